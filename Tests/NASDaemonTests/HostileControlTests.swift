import Foundation
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

/// Control requests written to hurt the daemon (issue 11): each is refused with a located,
/// worded error while the daemon goes on serving.
final class HostileControlTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "hostile")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeCore() throws -> DaemonCore {
        try DaemonCore(
            options: DaemonOptions(stateDirectory: directory, token: "t", leaseTimeout: 5, version: "test"),
            log: .silent)
    }

    private static let valid = """
        name: ok
        space: {kind: metaqnn, filters: [16], kernels: [3], fc_sizes: [64], max_depth: 3}
        strategy: {kind: random}
        training: {epochs: 2}
        trainer: {builtin: surrogate}
        end: {max_trials: 2}

        """

    func testAConfigurationNestedSevenThousandDeep_isRefusedAndTheDaemonServesOn() throws {
        let core = try makeCore()
        let deep = String(repeating: "{a: ", count: 7_000) + "1" + String(repeating: "}", count: 7_000)
        guard
            case .error(let error) = try core.handleControl(
                .submit(configText: "name: x\nspace: " + deep + "\n", fileName: "deep.yaml", restart: false),
                now: Moment(wall: Date(), elapsed: 0))
        else { return XCTFail("a 7,000-level configuration was accepted") }
        XCTAssertEqual(error.code, .invalidConfig)
        XCTAssertTrue(error.message.hasPrefix("deep.yaml:2:"), error.message)
        XCTAssertTrue(error.message.contains("nested more than"), error.message)
        guard
            case .ok = try core.handleControl(
                .submit(configText: Self.valid, fileName: "ok.yaml", restart: false),
                now: Moment(wall: Date(), elapsed: 0))
        else { return XCTFail("the daemon stopped accepting runs") }
    }

    func testASpaceThatBuildsNoLegalNetwork_isRefusedAtSubmitAsConfigCheckRefusesIt() throws {
        let core = try makeCore()
        let text = Self.valid.replacingOccurrences(of: "filters: [16]", with: "filters: [9223372036854775000]")
        guard
            case .error(let error) = try core.handleControl(
                .submit(configText: text, fileName: "f.yaml", restart: false), now: Moment(wall: Date(), elapsed: 0))
        else { return XCTFail("accepted") }
        XCTAssertEqual(error.code, .invalidConfig)
        XCTAssertTrue(
            error.message.hasPrefix("f.yaml:2:8: error: space: the space builds networks that cannot take"),
            error.message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("ok").path))
    }

    /// Two runs, one healthy and one whose store is garbage, and a third whose store was deleted.
    private func makeStateWithBrokenRuns() throws -> DaemonCore {
        let core = try makeCore()
        guard
            case .ok = try core.handleControl(
                .submit(configText: Self.valid, fileName: "ok.yaml", restart: false),
                now: Moment(wall: Date(), elapsed: 0))
        else { throw SetupFailure("could not create the healthy run") }
        let broken = directory.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data(repeating: 0xA5, count: 8192).write(to: broken.appendingPathComponent(RunStore.fileName))
        let deleted = directory.appendingPathComponent("deleted").appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: deleted, withIntermediateDirectories: true)
        return core
    }

    private func listed(_ response: ControlResponse) throws -> [RunStatusView] {
        guard case .ok(let payload) = response else { throw SetupFailure("status failed: \(response)") }
        return try payload.decode(as: [RunStatusView].self)
    }

    func testOneCorruptStore_isListedWithItsErrorBesideTheHealthyRuns_offline() async throws {
        _ = try makeStateWithBrokenRuns()
        let response = await OfflineControl(stateDirectory: StateDirectoryLayout(path: directory.path))
            .handle(.status(run: nil))
        guard case .ok(let payload) = response else { return XCTFail("status failed for every run: \(response)") }
        let views = try payload.decode(as: [RunStatusView].self)
        XCTAssertEqual(views.map(\.name), ["broken", "deleted", "ok"])
        XCTAssertNil(views[2].error)
        XCTAssertTrue(views[0].error?.contains("broken/run.sqlite") == true, "\(views[0])")
        XCTAssertTrue(views[1].error?.contains("missing (deleted?)") == true, "\(views[1])")
    }

    func testOneCorruptStore_isListedWithItsErrorBesideTheHealthyRuns_daemon() async throws {
        let core = try makeStateWithBrokenRuns()
        // The live run's store deleted under the daemon: listed with the problem, not vanished.
        try FileManager.default.removeItem(
            at: directory.appendingPathComponent("ok").appendingPathComponent(RunStore.fileName))
        let thread = CoreLoopThread(core)
        let handler = DaemonControlHandler(loop: thread.loop, layout: StateDirectoryLayout(path: directory.path))
        let views = try listed(await handler.handle(.status(run: nil)))
        thread.stop()
        XCTAssertEqual(views.map(\.name), ["broken", "deleted", "ok"])
        XCTAssertNotNil(views[0].error)
        XCTAssertTrue(views[1].error?.contains("missing (deleted?)") == true, "\(views[1])")
        XCTAssertTrue(views[2].error?.contains("missing (deleted?)") == true, "\(views[2])")
    }
}
