import Foundation
import NASConfig
import NASCore
import NASDaemon
import NASProtocol
import NASSearch
import NASStore
import NASSystem

/// `nasd-bench`: measurements of the daemon that need an in-process daemon with fakes installed
/// (`make bench` runs them; docs/BENCHMARKS.md records the figures).
///
/// - `ack-during-fits [FIT_SECONDS]`: acknowledgement latency of a worker's epoch reports while a
///   fake learned pruner's fits (each sleeping FIT_SECONDS, default 2) run, against the same
///   workload without a pruner in the same invocation.
/// - `strategy-timing [RESULTS]`: the time each strategy takes to propose and to incorporate a
///   result, over RESULTS results (default 10,000: MetaQNN's replay memory then holds 10,000); for
///   RNAS-driven evolution (60 to 150 results: its default population of 50, then 1 to 10 rounds of 10),
///   also the fit and the round's preparation that run off the commit thread.
/// - `status-with-big-runs [RUNS] [TRIALS]`: `nasd status` latency and ack latency while RUNS
///   finished runs of TRIALS trials each (default 10 × 10,000) sit in the state directory.
/// - `surrogate-search [SEEDS] [EPOCHS]`: best-so-far accuracy against trained epochs for each
///   strategy on the surrogate, and MetaQNN's accuracy per ε step (default 20 seeds, 54,000
///   epochs: 2,700 networks of 20 epochs, the paper's MetaQNN schedule).
/// - `dispatch-at-scale [WORKERS] [SLOTS] [SECONDS] [PACE_MS] [EPOCHS]`: how long a freed slot waits
///   for its next assignment with many worker connections (default 50 × 10 slots, 20 s, 2 s epochs).
/// - `store-at-scale [TRIALS] [BATCH]`: the store's time per 1,000 trials as a run grows to TRIALS
///   (default 100,000), BATCH trials per commit (default 8), and the views' queries at the end.
/// - `srm-fit-scaling [COUNTS…]`: one SRM model fit's time as the complete curves grow, with the
///   search on a sample and on every curve (`SRMFitScaling`).
/// - `peephole-predict MODEL CURVES [ROUNDS]`: Peephole's time to predict one architecture, one per
///   call as the prior does, over every network of a curves file (default 5 rounds).
@main
struct BenchMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            switch arguments.first {
            case "ack-during-fits":
                try await AckDuringFits.run(fitSeconds: arguments.dropFirst().first.flatMap(Double.init) ?? 2)
            case "strategy-timing":
                try StrategyTiming.run(results: arguments.dropFirst().first.flatMap(Int.init) ?? 10_000)
            case "surrogate-search":
                let numbers = arguments.dropFirst().compactMap { Int($0) }
                try SurrogateSearch.run(seeds: numbers.first ?? 20, epochBudget: numbers.dropFirst().first ?? 54_000)
            case "status-with-big-runs":
                let numbers = arguments.dropFirst().compactMap { Int($0) }
                try await StatusWithBigRuns.run(
                    runs: numbers.first ?? 10, trials: numbers.dropFirst().first ?? 10_000)
            case "dispatch-at-scale":
                let numbers = arguments.dropFirst().compactMap { Double($0) }
                func number(_ index: Int, _ fallback: Double) -> Double {
                    numbers.count > index ? numbers[index] : fallback
                }
                try await DispatchAtScale.run(
                    workers: Int(number(0, 50)), slots: Int(number(1, 10)), seconds: number(2, 20),
                    pace: .milliseconds(Int(number(3, 2000))), epochs: Int(number(4, 4)))
            case "store-at-scale":
                let numbers = arguments.dropFirst().compactMap { Int($0) }
                try StoreAtScale.run(trials: numbers.first ?? 100_000, batch: numbers.dropFirst().first ?? 8)
            case "srm-fit-scaling":
                let counts = arguments.dropFirst().compactMap { Int($0) }.filter { $0 >= 10 }
                try SRMFitScaling.run(counts: counts.isEmpty ? [200, 400, 800, 1_600, 3_200] : counts)
            case "peephole-predict":
                let rest = Array(arguments.dropFirst())
                guard rest.count >= 2 else { throw BenchError("peephole-predict needs MODEL and CURVES") }
                try PeepholePredictTiming.run(
                    modelPath: rest[0], curvesPath: rest[1], rounds: rest.count > 2 ? Int(rest[2]) ?? 5 : 5)
            default:
                FileHandle.standardError.write(
                    Data(
                        ("usage: nasd-bench ack-during-fits [SECONDS] | status-with-big-runs [RUNS] [TRIALS] | "
                            + "strategy-timing [RESULTS] | surrogate-search [SEEDS] [EPOCHS] | "
                            + "dispatch-at-scale [WORKERS] [SLOTS] [SECONDS] [PACE_MS] [EPOCHS] | "
                            + "store-at-scale [TRIALS] [BATCH] | srm-fit-scaling [COUNTS...] | "
                            + "peephole-predict MODEL CURVES [ROUNDS]\n").utf8))
                exit(64)
            }
        } catch {
            FileHandle.standardError.write(Data("nasd-bench: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// Percentiles of a sample, in milliseconds.
struct LatencySummary: CustomStringConvertible {
    var count: Int
    var p50: Double
    var p99: Double
    var max: Double

    init(_ seconds: [Double]) {
        let sorted = seconds.sorted()
        count = sorted.count
        func at(_ q: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))] * 1000
        }
        p50 = at(0.5)
        p99 = at(0.99)
        max = (sorted.last ?? .nan) * 1000
    }

    var description: String {
        String(format: "n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", count, p50, p99, max)
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// A daemon in this process on a fresh state directory.
struct BenchDaemon {
    let service: DaemonService
    let stateDirectory: URL
    let task: Task<Void, any Error>

    static func start(
        stateDirectory: URL, makePredictors: @escaping @Sendable (RunConfiguration) throws -> RunPredictors
    ) throws -> BenchDaemon {
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: stateDirectory, listen: SocketEndpoint(host: "127.0.0.1", port: 0), leaseTimeout: 60,
                version: "bench", log: .silent, makePredictors: makePredictors))
        let task = Task { try await service.run() }
        return BenchDaemon(service: service, stateDirectory: stateDirectory, task: task)
    }

    var control: ControlClient { ControlClient(stateDirectory: StateDirectoryLayout(path: stateDirectory.path)) }

    func submit(_ yaml: String) async throws {
        let response = try await control.send(
            .submit(
                configText: yaml, fileName: stateDirectory.appendingPathComponent("bench.yaml").path, restart: false))
        if case .error(let error) = response { throw BenchError("submit refused: \(error.message)") }
    }

    func stop() async {
        service.post(.shutdownRequested(reason: "bench done"))
        _ = try? await task.value
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A one-slot worker that trains every assignment itself (no trainer), one report at a time, and
/// measures how long each report waits for its acknowledgement.
final class LatencyWorker {
    private let framed: FramedConnection
    private let codec = MessageCodec()
    private var frames: FramedConnection.Frames.AsyncIterator
    private var seq: UInt64 = 0
    private var pending: [DaemonMessage.Assignment] = []
    /// (monotonic send time, latency) of every acknowledged report.
    private(set) var samples: [(sentAt: Double, latency: Double)] = []

    init(port: UInt16, token: String) async throws {
        let socket = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))
        framed = FramedConnection(socket)
        frames = framed.frames.makeAsyncIterator()
        try await framed.send(
            WorkerMessage.hello(
                .init(workerVersion: "bench", token: token, workerID: "bench-worker", hostname: "localhost", slots: 1)),
            codec: codec)
    }

    private func nextMessage() async throws -> DaemonMessage {
        guard let frame = try await frames.next() else { throw BenchError("the daemon closed the connection") }
        return try codec.decode(DaemonMessage.self, from: frame)
    }

    /// Waits for the next assignment.
    private func nextAssignment() async throws -> DaemonMessage.Assignment {
        if !pending.isEmpty { return pending.removeFirst() }
        while true {
            if case .assign(let assignment) = try await nextMessage() { return assignment }
        }
    }

    /// Trains `trials` assignments (the run's `max_trials`); `pace` between reports.
    func work(trials: Int, pace: Duration) async throws {
        for _ in 0..<trials {
            let assignment = try await nextAssignment()
            for epoch in (assignment.spec.startEpoch + 1)...max(assignment.spec.epochBudget, 1) {
                seq += 1
                let mine = seq
                let record = EpochRecord(epoch: epoch, validationAccuracy: 0.3 + 0.5 * Double(epoch) / 20)
                let sent = seconds(monotonicNow())
                try await framed.send(
                    WorkerMessage.epochProgress(
                        .init(
                            jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                            runName: assignment.spec.runName, record: record, seq: mine)),
                    codec: codec)
                acknowledged: while true {
                    switch try await nextMessage() {
                    case .ack(let ack) where ack.seq >= mine:
                        samples.append((sent, seconds(monotonicNow()) - sent))
                        break acknowledged
                    case .assign(let next):
                        pending.append(next)
                    default:
                        continue
                    }
                }
                try await Task.sleep(for: pace)
            }
            seq += 1
            try await framed.send(
                WorkerMessage.complete(
                    .init(
                        jobID: assignment.jobID, attempt: assignment.attempt, trialID: assignment.spec.trialID,
                        runName: assignment.spec.runName,
                        summary: .init(
                            epochsCompleted: assignment.spec.epochBudget, finalAccuracy: 0.5, bestAccuracy: 0.5,
                            wallSeconds: 1), seq: seq)),
                codec: codec)
        }
        framed.close()
    }
}

/// The run both measurements train: a random search over a small MetaQNN space.
func benchConfiguration(name: String, trials: Int, epochs: Int) -> String {
    """
    name: \(name)
    seed: 17
    space: {kind: metaqnn, filters: [16, 32, 64, 128], kernels: [1, 3, 5], fc_sizes: [128, 64], max_depth: 8}
    strategy: {kind: random}
    training: {epochs: \(epochs)}
    trainer: {builtin: surrogate}
    end: {max_trials: \(trials)}
    """
}

/// A learned pruner whose fits sleep: the stand-in for an SRM refit or a Peephole training.
struct SleepingPruner: Pruner {
    struct Model: PredictorModel {
        func encoded() throws -> Data { Data([1]) }
    }
    let fitSeconds: Double
    let fits: Locked<[(start: Double, end: Double)]>

    var name: String { "sleeping" }
    var schedule: ModelSchedule? { ModelSchedule(burnIn: 2, cadence: 2) }

    func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        let start = seconds(monotonicNow())
        Thread.sleep(forTimeInterval: fitSeconds)
        fits.withLock { $0.append((start, seconds(monotonicNow()))) }
        return Model()
    }

    func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel { Model() }

    func decide(candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?)
        -> PruneDecision
    { .proceed }
}

enum AckDuringFits {
    static func run(fitSeconds: Double) async throws {
        let baseline = try await measure(pruner: nil)
        let fits = Locked<[(start: Double, end: Double)]>([])
        let withFits = try await measure(pruner: SleepingPruner(fitSeconds: fitSeconds, fits: fits))
        let windows = fits.withLock { $0 }
        let during = withFits.filter { sample in
            windows.contains { sample.sentAt >= $0.start && sample.sentAt < $0.end }
        }
        let fitTime = windows.reduce(0) { $0 + $1.end - $1.start }
        print("ack latency, no predictor:                 \(LatencySummary(baseline.map(\.latency)))")
        print("ack latency, whole run with \(fitSeconds) s fits:     \(LatencySummary(withFits.map(\.latency)))")
        print("ack latency, reports sent during a fit:    \(LatencySummary(during.map(\.latency)))")
        print(String(format: "fits: %d, %.1f s fitting", windows.count, fitTime))
    }

    private static func measure(pruner: SleepingPruner?) async throws -> [(sentAt: Double, latency: Double)] {
        let directory = URL(fileURLWithPath: "/tmp/nasd-bench-fits-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try BenchDaemon.start(
            stateDirectory: directory, makePredictors: { _ in RunPredictors(pruner: pruner) })
        try await daemon.submit(benchConfiguration(name: "fits", trials: 40, epochs: 10))
        let token = try String(contentsOfFile: daemon.service.tokenPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let worker = try await LatencyWorker(port: daemon.service.workerPort, token: token)
        try await worker.work(trials: 40, pace: .milliseconds(20))
        await daemon.stop()
        return worker.samples
    }
}

enum StatusWithBigRuns {
    static func run(runs: Int, trials: Int) async throws {
        let directory = URL(fileURLWithPath: "/tmp/nasd-bench-status-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let started = ContinuousClock.now
        for index in 1...runs {
            try makeFinishedRun(
                in: directory.appendingPathComponent("big\(index)"), name: "big\(index)", trials: trials)
        }
        print(
            String(
                format: "made %d finished runs of %d trials in %.1f s", runs, trials,
                seconds(ContinuousClock.now - started)))
        let daemon = try BenchDaemon.start(stateDirectory: directory, makePredictors: SearchSetup.makePredictors)
        try await daemon.submit(benchConfiguration(name: "live", trials: 40, epochs: 10))
        let token = try String(contentsOfFile: daemon.service.tokenPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let worker = try await LatencyWorker(port: daemon.service.workerPort, token: token)
        let control = daemon.control
        let polling = Task { () -> [Double] in
            var latencies: [Double] = []
            while !Task.isCancelled {
                let sent = ContinuousClock.now
                _ = try? await control.send(.status(run: nil))
                latencies.append(seconds(ContinuousClock.now - sent))
                try? await Task.sleep(for: .milliseconds(100))
            }
            return latencies
        }
        try await worker.work(trials: 40, pace: .milliseconds(10))
        polling.cancel()
        let statusLatencies = await polling.value
        await daemon.stop()
        print(String(format: "nasd status, first request after start: %.1f ms", (statusLatencies.first ?? .nan) * 1000))
        print(
            "nasd status (every 100 ms, \(runs + 1) runs), the others: \(LatencySummary(Array(statusLatencies.dropFirst())))"
        )
        print("ack latency meanwhile:                   \(LatencySummary(worker.samples.map(\.latency)))")
    }

    /// A finished run of `trials` completed trials with 5 epochs each, written straight to its store.
    private static func makeFinishedRun(in directory: URL, name: String, trials: Int) throws {
        let store = try RunStore(runDirectory: directory, configuration: .init(synchronous: .off))
        let yaml = benchConfiguration(name: name, trials: trials, epochs: 5)
        let configuration = try RunConfiguration(yaml: yaml, file: "\(name).yaml")
        try store.createRun(NewRun(name: name, configurationText: yaml, searchIdentity: configuration.searchIdentity))
        try store.inTransaction {
            for index in 0..<trials {
                let notation = "[C(\(16 + index % 97),3,1), FC(\(10 + index / 97)), SM(10)]"
                let trial = try store.insertTrial(
                    NewTrial(
                        canonicalNotation: notation, proposedNotation: notation,
                        identityKey: TrialIdentity.key(canonicalHash: "h\(index)", hyperparameters: [:]),
                        hyperparameters: [:], epochBudget: 5, source: "random#\(index + 1)"))
                let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date())
                _ = try store.recordEpochs(
                    (1...5).map { EpochReport(trialID: trial.id, epoch: $0, validationAccuracy: 0.1 * Double($0)) })
                try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.5), job: job.id)
            }
            try store.setRunState(.finished, finishReason: "bench fixture")
        }
    }
}

/// Propose and observe times of each strategy, as the daemon's commit thread pays them, and the
/// work a strategy's model request moves off it (the fit, then the preparation).
enum StrategyTiming {
    static func run(results allResults: Int) throws {
        let metaQNN =
            "{kind: metaqnn, filters: [16, 32, 64, 128, 256], kernels: [1, 3, 5], fc_sizes: [512, 256, 128], max_depth: 12}"
        let rnasResults = min(max(allResults, 60), 150)  // past the warm-up of 50, at most 10 rounds
        let strategies = [
            ("random", metaQNN, "strategy: {kind: random}\nend: {max_trials: \(allResults)}", allResults),
            (
                "evolution", metaQNN,
                "strategy: {kind: evolution, population: 50, sample_size: 10, cycles: \(allResults)}", allResults
            ),
            (
                "metaqnn", metaQNN,
                "strategy: {kind: metaqnn, epsilon_schedule: [{epsilon: 0.5, models: \(allResults)}]}",
                allResults
            ),
            (
                "hyperband", metaQNN, "strategy: {kind: hyperband, max_resource: 81, eta: 3, iterations: 100}",
                allResults
            ),
            (
                "rnas-evo", "{kind: nb201}",
                "strategy: {kind: evolution, predictor: rnas, cycles: \(rnasResults - 50)}",
                rnasResults
            ),
        ]
        for (word, space, section, results) in strategies {
            let yaml = """
                name: timing
                seed: 3
                space: \(space)
                \(section)
                training: {epochs: 81}
                trainer: {builtin: surrogate}
                """
            let configuration = try RunConfiguration(yaml: yaml, file: "\(word).yaml")
            var strategy = try SearchSetup.makeStrategy(for: configuration)
            var proposeTimes: [Double] = []
            var observeTimes: [Double] = []
            var fitTimes: [Double] = []
            var prepareTimes: [Double] = []
            var outstanding: [Candidate] = []
            var proposed: [Int: Candidate] = [:]
            var observed = 0
            while observed < results {
                let started = monotonicNow()
                let proposal = try strategy.propose()
                proposeTimes.append(seconds(monotonicNow() - started))
                switch proposal {
                case .train(let candidate):
                    proposed[candidate.proposalID] = candidate
                    outstanding.append(candidate)
                case .continueTraining(let id, let budget):
                    guard var candidate = proposed[id] else { throw BenchError("continue of unknown proposal \(id)") }
                    candidate.budget = budget
                    proposed[id] = candidate
                    outstanding.append(candidate)
                case .waitForModel(let version):
                    // What the daemon runs on its predictor queue, timed apart.
                    if let request = strategy.modelRequest, request.version == version {
                        let fitStart = monotonicNow()
                        let model = request.examples.flatMap { try? request.predictor.fit($0, version: version) }
                        fitTimes.append(seconds(monotonicNow() - fitStart))
                        let prepareStart = monotonicNow()
                        let preparation = request.prepare(model)
                        prepareTimes.append(seconds(monotonicNow() - prepareStart))
                        strategy.install(preparation)
                    }
                case .waitForResults, .exhausted:
                    break
                }
                if case .exhausted = proposal, outstanding.isEmpty { break }
                // Results arrive one by one, as from one worker slot, for a deterministic workload.
                guard !outstanding.isEmpty else { continue }
                let candidate = outstanding.removeFirst()
                let accuracy =
                    Double(candidate.network.canonicalHash.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }) / 65_536
                let curve = (1...max(1, candidate.budget)).map {
                    accuracy * Double($0) / Double(max(1, candidate.budget))
                }
                let observation = Observation(
                    proposalID: candidate.proposalID, candidate: candidate, outcome: .completed(curve: curve))
                let start = monotonicNow()
                strategy.observe(observation)
                observeTimes.append(seconds(monotonicNow() - start))
                observed += 1
            }
            print("\(word.padding(toLength: 10, withPad: " ", startingAt: 0)) propose \(LatencySummary(proposeTimes))")
            print("\(String(repeating: " ", count: 10)) observe \(LatencySummary(observeTimes)) (\(observed) results)")
            if !fitTimes.isEmpty {
                print("\(String(repeating: " ", count: 10)) off the commit thread: fit \(LatencySummary(fitTimes))")
                print(
                    "\(String(repeating: " ", count: 10)) off the commit thread: round start \(LatencySummary(prepareTimes))"
                )
            }
        }
    }
}
