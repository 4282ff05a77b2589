import Foundation
import Glibc
import NASCore
import NASTestSupport
import XCTest

/// The base of the fault-injection scenarios (issue 11 §1): deterministic replay runs over a small
/// MetaQNN space, an uninterrupted reference to compare with, and the checks every scenario ends
/// with, read straight from the run store with the `sqlite3` shell.
///
/// `make test` runs the reduced set; `make chaos` sets `NASD_CHAOS=full`, which makes every
/// scenario repeat its fault more often over a longer run (`ChaosTestCase.isFull`).
class ChaosTestCase: EndToEndTestCase {
    /// Whether the full set runs (`NASD_CHAOS=full`, from `make chaos`).
    static var isFull: Bool { ProcessInfo.processInfo.environment["NASD_CHAOS"] == "full" }

    /// `reduced` in `make test`, `full` under `make chaos`.
    static func scaled(_ reduced: Int, full: Int) -> Int { isFull ? full : reduced }

    /// A MetaQNN space of 2,738 networks, every one of them in the curves file.
    static let fixture = ReplaySpaceFixture(
        filters: [16, 32, 64], kernels: [1, 3], pools: [[2, 2]], fullyConnectedSizes: [32], maxDepth: 4,
        input: [1, 8, 8], classes: 10)

    /// A scenario's run: the configuration file and the curves the replay trainer reports.
    struct ReplayRun {
        var name: String
        var configuration: URL
        var epochs: Int
        /// Every network's recorded curve, by canonical notation.
        var curves: [String: [Double]]
    }

    /// Writes a replay run over `fixture` with `strategy` (the lines under `strategy:`).
    func makeReplayRun(
        name: String, strategy: String, end: String = "", epochs: Int = 4, in directory: URL
    ) throws -> ReplayRun {
        let curves = try Self.fixture.curvesFile(epochs: epochs, seed: 11)
        let curvesFile = try write(curves.text, to: "\(name).curves.jsonl", in: directory)
        let configuration = try write(
            """
            name: \(name)
            seed: 20240611
            \(Self.fixture.yaml)
            strategy:
              \(strategy)
            training:
              epochs: \(epochs)
            trainer:
              builtin: replay
              file: \(curvesFile.path)
            \(end)
            trial:
              max_attempts: 20
            """, to: "\(name).yaml", in: directory)
        return ReplayRun(
            name: name, configuration: configuration, epochs: epochs, curves: try Self.parseCurves(curves.text))
    }

    private static func parseCurves(_ text: String) throws -> [String: [Double]] {
        struct Line: Decodable {
            var arch: String
            var curve: [Double]
        }
        var curves: [String: [Double]] = [:]
        for line in text.split(separator: "\n") {
            let decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            curves[decoded.arch] = decoded.curve
        }
        return curves
    }

    // MARK: - Runs

    /// What a run ended with.
    struct Outcome {
        var status: RunStatusPayload
        var trials: [TrialPayload]
        var store: URL
    }

    /// The run with one worker and no fault: what a one-worker scenario must end identical to.
    func runUninterrupted(_ run: ReplayRun, in state: URL, workers: Int = 1) async throws -> Outcome {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let daemon = try await startDaemon(stateDirectory: state, name: "reference daemon")
        for index in 0..<workers {
            _ = try startWorker(id: "reference-\(index)", daemon: daemon)
        }
        try await submit(run.configuration, to: daemon)
        return try await outcome(of: run, in: state)
    }

    /// Waits for the run to end and collects its status, trials and store.
    func outcome(of run: ReplayRun, in state: URL, timeout: Double = 120) async throws -> Outcome {
        let status = try await waitForRunToEnd(run.name, in: state, timeout: timeout)
        return Outcome(
            status: status, trials: try await trials(of: run.name, in: state),
            store: try XCTUnwrap(Self.store(of: run.name, in: state), "no run.sqlite for \(run.name)"))
    }

    /// The run store of `run` under the state directory.
    static func store(of run: String, in state: URL) -> URL? {
        let enumerator = FileManager.default.enumerator(at: state, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            if file.lastPathComponent == "run.sqlite" && file.deletingLastPathComponent().lastPathComponent == run {
                return file
            }
        }
        return nil
    }

    // MARK: - Checks

    /// The invariants every scenario ends with: the run finished with `expected` trained
    /// completions, each network trained once, the status counting every trial once, every stored
    /// epoch the curve's (no report stored twice or twisted), every completed trial with all its
    /// epochs, no trial completed twice at the same epoch, and `PRAGMA integrity_check` ok.
    func assertInvariants(
        _ outcome: Outcome, of run: ReplayRun, trained expected: Int, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        try assertInvariants(outcome, of: run, trained: expected...expected, file: file, line: line)
    }

    /// The invariants with a range of trained completions: with several workers, a strategy that
    /// counts its budget by outcomes (MetaQNN's schedule steps, evolution's population) may have
    /// proposed a few more while the last outcomes were in flight, as uninterrupted runs do.
    func assertInvariants(
        _ outcome: Outcome, of run: ReplayRun, trained expected: ClosedRange<Int>, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        XCTAssertEqual(outcome.status.state, "finished", outcome.status.finishReason ?? "", file: file, line: line)
        let trained = outcome.trials.filter(\.isTrainedCompletion)
        XCTAssertTrue(
            expected.contains(trained.count), "\(trained.count) trained completions, expected \(expected)", file: file,
            line: line)
        XCTAssertEqual(
            outcome.status.counts.completed, outcome.trials.filter { $0.state == "completed" }.count,
            "completions counted in the status", file: file, line: line)
        XCTAssertEqual(outcome.status.counts.total, outcome.trials.count, "trials counted", file: file, line: line)
        XCTAssertEqual(
            Set(trained.map(\.canonicalNotation)).count, trained.count, "a network trained twice", file: file,
            line: line)
        XCTAssertEqual(
            outcome.trials.filter { $0.state == "failed" }.map(\.id), [], "failed trials", file: file, line: line)

        let store = try StoreQuery(outcome.store)
        XCTAssertEqual(try store.rows("PRAGMA integrity_check"), ["ok"], "integrity_check", file: file, line: line)
        // A trial may complete several jobs when promoted (Hyperband), each to a higher budget.
        let twice = try store.rows(
            "SELECT trial_id, end_epoch FROM jobs WHERE state = 'completed' "
                + "GROUP BY trial_id, end_epoch HAVING count(*) > 1"
        )
        XCTAssertEqual(twice, [], "trials completed twice at the same epoch", file: file, line: line)
        var stored: [Int64: [(epoch: Int, accuracy: Double)]] = [:]
        for row in try store.rows("SELECT trial_id, epoch, validation_accuracy FROM metrics ORDER BY trial_id, epoch") {
            let fields = row.split(separator: "|")
            guard fields.count == 3, let trial = Int64(fields[0]), let epoch = Int(fields[1]),
                let accuracy = Double(fields[2])
            else { return XCTFail("unreadable metrics row '\(row)'", file: file, line: line) }
            stored[trial, default: []].append((epoch, accuracy))
        }
        var mismatches: [String] = []
        for trial in outcome.trials where trial.reusedFrom == nil {
            let epochs = stored[trial.id] ?? []
            let curve = run.curves[trial.canonicalNotation] ?? []
            if epochs.map(\.epoch) != Array(stride(from: 1, through: trial.epochsDone, by: 1)) {
                mismatches.append("trial \(trial.id): epochs \(epochs.map(\.epoch)), epochs done \(trial.epochsDone)")
            }
            for (epoch, accuracy) in epochs where epoch > curve.count || abs(curve[epoch - 1] - accuracy) > 1e-9 {
                mismatches.append("trial \(trial.id) epoch \(epoch): \(accuracy), not the curve's")
            }
            if trial.state == "completed" && trial.epochsDone != trial.epochBudget {
                mismatches.append("trial \(trial.id) completed with \(trial.epochsDone)/\(trial.epochBudget) epochs")
            }
        }
        XCTAssertEqual(mismatches, [], "stored epochs", file: file, line: line)
    }

    /// The one-worker promise: the same completed trials (network and final accuracy) and the same
    /// best as the uninterrupted reference.
    func assertIdentical(
        _ outcome: Outcome, to reference: Outcome, file: StaticString = #filePath, line: UInt = #line
    ) {
        func results(_ outcome: Outcome) -> [String] {
            outcome.trials.filter { $0.state == "completed" }
                .map { "\($0.canonicalNotation) \(String(format: "%.9f", $0.finalAccuracy ?? -1))" }.sorted()
        }
        let expected = results(reference)
        let actual = results(outcome)
        XCTAssertEqual(expected.count, actual.count, "completed trials", file: file, line: line)
        XCTAssertEqual(
            Set(expected).subtracting(actual).sorted(), [], "completed only in the reference", file: file, line: line)
        XCTAssertEqual(
            Set(actual).subtracting(expected).sorted(), [], "completed only under faults", file: file, line: line)
        XCTAssertNotNil(reference.status.best, file: file, line: line)
        XCTAssertEqual(
            reference.status.best?.canonicalNotation, outcome.status.best?.canonicalNotation, "best", file: file,
            line: line)
        XCTAssertEqual(reference.status.best?.accuracy, outcome.status.best?.accuracy, file: file, line: line)
    }

    /// Every acknowledged epoch report is in the store with its accuracy, unless its job lost its
    /// lease (a report of a superseded job is acknowledged and dropped by design).
    func assertAcknowledgedEpochsAreStored(
        _ acknowledged: Set<ChaosProxy.AcknowledgedEpoch>, store: URL, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let query = try StoreQuery(store)
        var stored: [String: Double] = [:]
        for row in try query.rows("SELECT trial_id, epoch, validation_accuracy FROM metrics") {
            let fields = row.split(separator: "|")
            if fields.count == 3, let accuracy = Double(fields[2]) { stored["\(fields[0])/\(fields[1])"] = accuracy }
        }
        let superseded = Set(try query.rows("SELECT id FROM jobs WHERE state IN ('expired', 'cancelled', 'stopped')"))
        var missing: [String] = []
        for report in acknowledged where !superseded.contains(report.jobID) {
            let key = "\(report.trialID)/\(report.epoch)"
            if let accuracy = stored[key], abs(accuracy - report.accuracy) <= 1e-9 { continue }
            missing.append(
                "trial \(report.trialID) epoch \(report.epoch) (job \(report.jobID)): "
                    + (stored[key].map { "\($0)" } ?? "missing")
            )
        }
        XCTAssertEqual(missing.sorted(), [], "acknowledged epochs not in the store", file: file, line: line)
    }

    // MARK: - Signals

    /// Sends `signal` to the process group of `process` (the worker and its trainers alike).
    func signalGroup(_ process: ManagedProcess, _ signal: Int32) {
        Glibc.kill(-process.processID, signal)
    }
}

/// Read-only SQL on a run store through the `sqlite3` shell (rows as `|`-separated text).
struct StoreQuery {
    let store: URL
    let shell: String

    init(_ store: URL) throws {
        let candidates = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/bin/sqlite3"]
        guard let shell = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestEnvironment.skip(
                "the sqlite3 shell is not installed (apt-get install -y sqlite3): the store is not checked")
        }
        self.store = store
        self.shell = shell
    }

    /// The rows `sql` returns, one line each.
    func rows(_ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-readonly", store.path, sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EndToEndError.undecodableOutput(command: "sqlite3 \(store.path) \(sql)", reason: errorText)
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
