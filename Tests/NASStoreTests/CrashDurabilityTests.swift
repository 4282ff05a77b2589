import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What survives a crash: every epoch whose `recordEpochs` call returned (docs/durability.md).
final class CrashDurabilityTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-crash")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A copy of the files of a store that is still open — main file, WAL and shared-memory index,
    /// taken without closing or checkpointing — is what a process killed at that moment leaves.
    func testCopyOfAnOpenStore_containsEveryCommittedEpoch() throws {
        let live = directory.appendingPathComponent("live")
        let store = try RunStore(runDirectory: live)
        let trial = try store.insertTrial(StoreFixtures.newTrial(1, budget: 500))
        try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date())
        for batch in 0..<50 {
            let reports = (1...8).map {
                EpochReport(trialID: trial.id, epoch: batch * 8 + $0, validationAccuracy: Double($0) / 10)
            }
            XCTAssertTrue(try store.recordEpochs(reports).allSatisfy(\.isDurable))
        }
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: live.appendingPathComponent("run.sqlite-wal").path),
            "the commits are still in the WAL")

        let crashed = directory.appendingPathComponent("crashed")
        try FileManager.default.createDirectory(at: crashed, withIntermediateDirectories: true)
        for suffix in ["", "-wal", "-shm"] {
            let name = RunStore.fileName + suffix
            try FileManager.default.copyItem(
                at: live.appendingPathComponent(name), to: crashed.appendingPathComponent(name))
        }
        let recovered = try RunStore(runDirectory: crashed, mode: .mustExist)
        XCTAssertEqual(try recovered.curve(of: trial.id).count, 400)
        XCTAssertEqual(try recovered.trial(trial.id)?.epochsDone, 400)
        XCTAssertEqual(try recovered.runningJobs().count, 1, "the job in flight is there to re-attach or requeue")
        withExtendedLifetime(store) {}
    }

    /// A real `kill -9`: a child process records and acknowledges epochs until the test kills it
    /// at an arbitrary moment; every epoch it acknowledged must be in the store afterwards.
    func testKill9_everyAcknowledgedEpochSurvives() throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        guard binary.path.hasSuffix(".xctest"), FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestEnvironment.skip("cannot re-run the test binary (\(binary.path)) as a child process")
        }
        let runDirectory = directory.appendingPathComponent("killed")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["NASStoreTests.CrashChildProcess/testChild_recordsAndAcknowledgesEpochsUntilKilled"]
        var environment = ProcessInfo.processInfo.environment
        environment[CrashChildProcess.directoryVariable] = runDirectory.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        var lines = LineReader(handle: output.fileHandleForReading)
        var acknowledged = 0
        while acknowledged < 300, let line = lines.next() {
            if let epoch = CrashChildProcess.acknowledgedEpoch(in: line) { acknowledged = epoch }
        }
        kill(process.processIdentifier, SIGKILL)
        // Acknowledgements written before the signal landed still count.
        while let line = lines.next() {
            if let epoch = CrashChildProcess.acknowledgedEpoch(in: line) { acknowledged = epoch }
        }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the child was killed, it did not finish")
        XCTAssertEqual(process.terminationStatus, SIGKILL)
        XCTAssertGreaterThanOrEqual(acknowledged, 300)

        let store = try RunStore(runDirectory: runDirectory, mode: .mustExist)
        let curve = try store.curve(of: TrialID(rawValue: 1))
        XCTAssertGreaterThanOrEqual(curve.count, acknowledged, "an acknowledged epoch was lost")
        let epochs = try store.epochs(of: TrialID(rawValue: 1)).map(\.epoch)
        XCTAssertEqual(Array(epochs.prefix(acknowledged)), Array(1...acknowledged))
        XCTAssertEqual(try store.runningJobs().count, 1)
    }
}

/// Splits a pipe's bytes into lines as they arrive.
private struct LineReader {
    let handle: FileHandle
    var buffer = Data()

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The next complete line, or `nil` at end of file.
    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}

/// The child half of `testKill9_everyAcknowledgedEpochSurvives`; skipped in a normal test run.
final class CrashChildProcess: XCTestCase {
    static let directoryVariable = "NASD_STORE_CRASH_CHILD_DIR"
    private static let prefix = "nasd-store-acknowledged "

    static func acknowledgedEpoch(in line: String) -> Int? {
        guard line.hasPrefix(prefix) else { return nil }
        return Int(line.dropFirst(prefix.count))
    }

    func testChild_recordsAndAcknowledgesEpochsUntilKilled() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.directoryVariable] else {
            throw TestEnvironment.skip("runs only as the child process of CrashDurabilityTests")
        }
        let store = try RunStore(runDirectory: URL(fileURLWithPath: path))
        let trial = try store.insertTrial(StoreFixtures.newTrial(1, budget: 1_000_000))
        try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date())
        var epoch = 0
        // Bounded so an orphaned child ends by itself; the parent kills it long before.
        for _ in 0..<5_000 {
            let reports = (1...5).map {
                EpochReport(trialID: trial.id, epoch: epoch + $0, validationAccuracy: 0.5)
            }
            let outcomes = try store.recordEpochs(reports)
            XCTAssertTrue(outcomes.allSatisfy(\.isDurable))
            epoch += reports.count
            // The acknowledgement goes out only after COMMIT returned, as the daemon's does.
            FileHandle.standardOutput.write(Data("\(Self.prefix)\(epoch)\n".utf8))
        }
    }
}
