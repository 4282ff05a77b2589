import Foundation
import NASCore
import NASDaemon
import NASProtocol
import NASSystem

/// `nasd-bench dispatch-at-scale WORKERS SLOTS [SECONDS] [PACE_MS] [EPOCHS]`: many worker
/// connections in this one process against an in-process daemon, each with SLOTS slots training
/// EPOCHS epochs per trial at PACE_MS per epoch (±25%); for SECONDS it measures, on the worker side, how
/// long a freed slot waits for its next assignment (from sending `complete` to the `assign`
/// arriving on that connection, matched first freed, first refilled), and the reports per second.
/// Each slot's first trial starts after a random part of one trial's time, as on a cluster whose
/// workers did not all start in the same millisecond.
enum DispatchAtScale {
    static func run(workers: Int, slots: Int, seconds duration: Double, pace: Duration, epochs: Int) async throws {
        raiseDescriptorLimit()
        let directory = URL(fileURLWithPath: "/tmp/nasd-bench-scale-\(UUID().uuidString.prefix(8))")
        // BENCH_KEEP=1 keeps the state directory, so that `bench/metrics.py nasd STORE` can read the
        // store-side figures (dispatch as `bench/run` defines it) from the run's own timestamps.
        let keep = ProcessInfo.processInfo.environment["BENCH_KEEP"] == "1"
        defer {
            if keep {
                print("kept the store: \(directory.appendingPathComponent("scale/run.sqlite").path)")
            } else {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        let daemon = try BenchDaemon.start(stateDirectory: directory, makePredictors: { _ in RunPredictors() })
        try await daemon.submit(benchConfiguration(name: "scale", trials: 10_000_000, epochs: epochs))
        let token = try String(contentsOfFile: daemon.service.tokenPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var simulated: [SimulatedWorker] = []
        for index in 0..<workers {
            simulated.append(
                try SimulatedWorker(
                    port: daemon.service.workerPort, token: token, id: "sim\(index)", slots: slots, pace: pace,
                    epochs: epochs))
        }
        let started = ContinuousClock.now
        let cpuBefore = ProcessCPU.seconds()
        let batchesBefore = daemon.service.batchTimes.count
        // `nasd status RUN` once a second meanwhile, as a watching user or script does.
        let control = daemon.control
        let polling = Task { () -> [Double] in
            var latencies: [Double] = []
            while !Task.isCancelled {
                let sent = ContinuousClock.now
                _ = try? await control.send(.status(run: "scale"))
                latencies.append(seconds(ContinuousClock.now - sent))
                try? await Task.sleep(for: .seconds(1))
            }
            return latencies
        }
        try await Task.sleep(for: .seconds(duration))
        let elapsed = seconds(ContinuousClock.now - started)
        let cpu = ProcessCPU.seconds() - cpuBefore
        polling.cancel()
        let polls = await polling.value
        let batches = daemon.service.batchTimes
        let latencies = simulated.flatMap(\.latencies)
        let reports = simulated.reduce(0) { $0 + $1.reports }
        let trials = simulated.reduce(0) { $0 + $1.completions }
        for worker in simulated { worker.close() }
        await daemon.stop()
        print(
            "workers: \(workers) × \(slots) slots, \(epochs) epochs at \(pace) each, "
                + String(format: "%.0f s", elapsed)
        )
        print("slot refill (complete sent -> next assign received): \(LatencySummary(latencies))")
        // The loop's own time per batch since the daemon started (the first wave of assignments
        // and the submission included): \(batches.count - batchesBefore) of them in the window.
        print(
            "daemon's own time per batch (handling, commit, hand-over; \(batches.count - batchesBefore) batches "
                + "in the window, all \(batches.count) since the start): \(LatencySummary(batches.recent))")
        print("nasd status (every second, in process): \(LatencySummary(polls))")
        print(
            String(
                format:
                    "reports/s: %.0f, trials/s: %.1f, process (daemon and workers): %.0f%% of a core, "
                    + "peak RSS %.0f MiB",
                Double(reports) / elapsed, Double(trials) / elapsed, 100 * cpu / elapsed, ProcessCPU.peakResidentMiB()))
    }
}

/// Raises the soft limit on open descriptors to the hard one: every simulated connection holds
/// two here (the worker's end and the daemon's), more than the usual soft limit of 1,024 allows.
private func raiseDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// User and system CPU and peak memory of this process.
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The peak resident set size of this process, in MiB.
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// One worker connection of many slots that trains every assignment itself, at a fixed pace.
final class SimulatedWorker: @unchecked Sendable {
    private let framed: FramedConnection
    private let codec = MessageCodec()
    private let pace: Duration
    private let epochs: Int
    private let slots: Int
    private struct State {
        var seq: UInt64 = 0
        var freedAt: [Double] = []
        var latencies: [Double] = []
        var reports = 0
        var completions = 0
        var assignments = 0
    }
    // The lock also orders sequence numbers with the writes that carry them.
    private let state = Locked(State())
    private var reader: Task<Void, Never>?

    init(port: UInt16, token: String, id: String, slots: Int, pace: Duration, epochs: Int) throws {
        self.pace = pace
        self.epochs = epochs
        self.slots = slots
        let socket = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))
        framed = FramedConnection(socket)
        try socket.write(
            codec.encodeFrame(
                WorkerMessage.hello(
                    .init(workerVersion: "bench", token: token, workerID: id, hostname: "localhost", slots: slots))))
        reader = Task { [self] in await readLoop() }
    }

    var latencies: [Double] { state.withLock { $0.latencies } }
    var reports: Int { state.withLock { $0.reports } }
    var completions: Int { state.withLock { $0.completions } }

    func close() {
        reader?.cancel()
        framed.close()
    }

    private func readLoop() async {
        do {
            for try await frame in framed.frames {
                guard case .assign(let assignment) = try codec.decode(DaemonMessage.self, from: frame) else { continue }
                let now = seconds(monotonicNow())
                let isFirstOfItsSlot = state.withLock { worker -> Bool in
                    if !worker.freedAt.isEmpty { worker.latencies.append(now - worker.freedAt.removeFirst()) }
                    worker.assignments += 1
                    return worker.assignments <= slots
                }
                Task { [self] in try? await train(assignment, staggered: isFirstOfItsSlot) }
            }
        } catch {
            return
        }
    }

    /// Trains one assignment; a slot's first one starts after up to one trial's time, so that the
    /// slots do not all free up together.
    private func train(_ assignment: DaemonMessage.Assignment, staggered: Bool) async throws {
        let spec = assignment.spec
        if staggered { try await Task.sleep(for: pace * Double(epochs) * Double.random(in: 0...1)) }
        for epoch in (spec.startEpoch + 1)...max(spec.epochBudget, 1) {
            // ±25% per epoch, so that slots free up spread out as on a real cluster.
            try await Task.sleep(for: pace * Double.random(in: 0.75...1.25))
            try send { seq in
                .epochProgress(
                    .init(
                        jobID: assignment.jobID, attempt: assignment.attempt, trialID: spec.trialID,
                        runName: spec.runName,
                        record: EpochRecord(epoch: epoch, validationAccuracy: 0.3 + 0.5 * Double(epoch) / 20),
                        seq: seq))
            }
        }
        try send { seq in
            .complete(
                .init(
                    jobID: assignment.jobID, attempt: assignment.attempt, trialID: spec.trialID, runName: spec.runName,
                    summary: .init(
                        epochsCompleted: spec.epochBudget, finalAccuracy: 0.5, bestAccuracy: 0.5, wallSeconds: 1),
                    seq: seq))
        }
    }

    private func send(_ make: (UInt64) -> WorkerMessage) throws {
        try state.withLock { worker in
            worker.seq += 1
            let message = make(worker.seq)
            try framed.connection.write(codec.encodeFrame(message))
            if case .complete = message {
                worker.completions += 1
                worker.freedAt.append(seconds(monotonicNow()))
            } else {
                worker.reports += 1
            }
        }
    }
}
