import Foundation
import NASProtocol
import NASStore
import NASSystem
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon

/// What nasd creates is its owner's alone (issue 11): the state and run directories 0700; the
/// run store with its -wal and -shm, the trial logs and the token 0600 — whatever the umask.
final class PermissionsTests: XCTestCase {
    private var root: URL!
    private var savedUmask: mode_t = 0

    override func setUpWithError() throws {
        root = try TestEnvironment.makeTemporaryDirectory(prefix: "perm")
        // The most permissive umask, so that only nasd's own modes can make the files private.
        savedUmask = umask(0)
    }

    override func tearDownWithError() throws {
        umask(savedUmask)
        try? FileManager.default.removeItem(at: root)
    }

    private func mode(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try XCTUnwrap((attributes[.posixPermissions] as? NSNumber)?.intValue, file: file, line: line) & 0o777
    }

    func testTheStateDirectoryAndTokenADaemonCreates_areOwnerOnly() throws {
        let state = root.appendingPathComponent("state")
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: state, listen: SocketEndpoint(host: "127.0.0.1", port: 0), version: "test",
                log: .silent))
        XCTAssertEqual(try mode(state), 0o700)
        XCTAssertEqual(try mode(URL(fileURLWithPath: service.tokenPath)), 0o600)
    }

    func testAnExistingStateDirectoryOthersCanRead_isReportedAtStart() async throws {
        let state = root.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: state.path)
        let lines = Mutex<[String]>([])
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: state, listen: SocketEndpoint(host: "127.0.0.1", port: 0), version: "test",
                log: DaemonLogger { line in lines.withLock { $0.append(line) } }))
        let serving = Task { try await service.run() }
        service.post(.shutdownRequested(reason: "test"))
        try await serving.value
        XCTAssertTrue(
            lines.withLock { $0 }.contains { $0.contains("is mode 755") && $0.contains("chmod 700") },
            "\(lines.withLock { $0 })")
        XCTAssertEqual(try mode(state), 0o755, "an existing directory's mode is the user's to choose")
    }

    func testARunDirectoryItsStoreJournalsAndTrialLogs_areOwnerOnly() throws {
        let core = try DaemonCore(
            options: DaemonOptions(stateDirectory: root, token: "t", leaseTimeout: 5, version: "test"), log: .silent)
        let config = """
            name: private
            space: {kind: metaqnn, filters: [16], kernels: [3], fc_sizes: [64], max_depth: 3}
            strategy: {kind: random}
            training: {epochs: 2}
            trainer: {builtin: surrogate}
            end: {max_trials: 2}

            """
        guard
            case .ok = try core.handleControl(
                .submit(configText: config, fileName: "p.yaml", restart: false), now: Moment(wall: Date(), elapsed: 0))
        else { return XCTFail("submit failed") }
        let run = try XCTUnwrap(core.runs["private"])
        let trial = try XCTUnwrap(TrialID("1"))
        // The log file is written by the service's log queue (`TrialLogFile`), as the core asks.
        try TrialLogFile.append(["a line of trainer output"], to: run.logURL(for: trial))
        let directory = root.appendingPathComponent("private")
        XCTAssertEqual(try mode(directory), 0o700)
        for name in [RunStore.fileName, RunStore.fileName + "-wal", RunStore.fileName + "-shm"] {
            XCTAssertEqual(try mode(directory.appendingPathComponent(name)), 0o600, name)
        }
        XCTAssertEqual(try mode(run.logURL(for: trial).deletingLastPathComponent()), 0o700)
        XCTAssertEqual(try mode(run.logURL(for: trial)), 0o600)
    }
}
