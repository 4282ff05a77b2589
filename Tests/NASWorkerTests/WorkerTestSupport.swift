import Foundation
import NASCore
import NASProtocol
import NASSystem
import NASTestSupport
import NASWorker

/// Fixture scripts (Tests/Fixtures) and small helpers shared by the worker tests.
enum WorkerFixtures {
    /// The absolute path of a fixture script.
    static func script(_ name: String) -> String {
        TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/\(name)").path
    }

    /// The argv that runs a fixture script with /bin/sh.
    static func shell(_ name: String) -> [String] {
        ["/bin/sh", script(name)]
    }

    /// A command trainer that runs a fixture script.
    static func commandTrainer(_ name: String, environment: [String: String] = [:]) -> TrainerDescription {
        .command(argv: shell(name), environment: environment, workingDirectory: nil)
    }

    /// A trial spec for a small network, with its checkpoint directory under `directory`.
    static func spec(
        trialID: String = "t-1", budget: Int = 3, startEpoch: Int = 0, directory: URL
    ) throws -> TrialSpec {
        TrialSpec(
            trialID: trialID, runName: "demo", architecture: try Architecture(notation: "[C(64,3,1), P(2,2), SM(10)]"),
            hyperparameters: ["learning_rate": 0.1], seed: 42, epochBudget: budget, startEpoch: startEpoch,
            checkpointDirectory: directory.appendingPathComponent("checkpoints/\(trialID)").path)
    }
}

/// Collects lines from a sink that threads call.
final class LineCollector: Sendable {
    private let storage = LockedLines()

    /// The sink to hand to a trainer or logger.
    var sink: @Sendable (String) -> Void {
        { [storage] line in storage.append(line) }
    }

    /// The lines so far.
    var lines: [String] { storage.lines }
}

/// `@unchecked Sendable`: `lines` is only touched under `lock`.
private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
