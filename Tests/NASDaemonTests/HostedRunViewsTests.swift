import Foundation
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

/// The read-only views of runs the daemon hosts are read from their stores off the commit thread
/// (`DaemonControlHandler`), with the live part the core reports (`HostedRunSnapshot`).
final class HostedRunViewsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "hosted-views")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private static let configuration = """
        name: live
        space: {kind: metaqnn, filters: [16], kernels: [3], fc_sizes: [64], max_depth: 3}
        strategy: {kind: random}
        training: {epochs: 2}
        trainer: {builtin: surrogate}
        end: {max_trials: 2}

        """

    private func makeCoreHostingARun() throws -> DaemonCore {
        let core = try DaemonCore(
            options: DaemonOptions(stateDirectory: directory, token: "t", leaseTimeout: 5, version: "test"),
            log: .silent)
        let actions = core.handle([
            .control(
                .submit(configText: Self.configuration, fileName: "live.yaml", restart: false), ControlReply { _ in })
        ])
        guard case .reply(_, .ok) = actions.first else { throw SetupFailure("submit failed: \(actions)") }
        return core
    }

    func testTheCoreDescribesItsHostedRuns_afterTheBatchCommits() throws {
        let core = try makeCoreHostingARun()
        let actions = core.handle([.hostedRuns(HostedRunsReply { _ in })])
        guard case .describeHostedRuns(_, let runs)? = actions.first else { return XCTFail("\(actions)") }
        XCTAssertEqual(runs.map(\.name), ["live"])
        XCTAssertEqual(runs.first?.live.strategy, "random")
        XCTAssertNotEqual(runs.first?.live.phase, LiveRunInfo.notRunningPhase)
    }

    func testTheCoreRefusesStoredViews_soThatNoClientCanHoldUpABatchWithAScan() throws {
        let core = try makeCoreHostingARun()
        for request in [ControlRequest.status(run: nil), .status(run: "live"), .best(run: "live")] {
            let actions = core.handle([.control(request, ControlReply { _ in })])
            guard case .reply(_, .error(let error))? = actions.first else { return XCTFail("\(request): \(actions)") }
            XCTAssertEqual(error.code, .internalError)
            XCTAssertTrue(error.message.contains("control handler"), error.message)
        }
    }

    func testTheHandlerReadsAHostedRunFromItsStore_withTheLivePhaseFromTheCore() async throws {
        let core = try makeCoreHostingARun()
        let thread = CoreLoopThread(core)
        defer { thread.stop() }
        let handler = DaemonControlHandler(loop: thread.loop, layout: StateDirectoryLayout(path: directory.path))

        guard case .ok(let list) = await handler.handle(.status(run: nil)) else { return XCTFail("status failed") }
        let views = try list.decode(as: [RunStatusView].self)
        XCTAssertEqual(views.map(\.name), ["live"])
        XCTAssertNil(views.first?.error)
        XCTAssertEqual(views.first?.strategy, "random")
        XCTAssertNotEqual(views.first?.phase, LiveRunInfo.notRunningPhase, "the live part comes from the core")
        XCTAssertEqual(
            views.first?.configuration.first?.hasPrefix("run live"), true,
            "the configuration summary, read from the committed store: \(views)")

        guard case .ok(let one) = await handler.handle(.status(run: "live")) else { return XCTFail("status live") }
        XCTAssertNotEqual(try one.decode(as: RunStatusView.self).phase, LiveRunInfo.notRunningPhase)

        guard case .error(let unknown) = await handler.handle(.best(run: "nope")) else { return XCTFail("best nope") }
        XCTAssertEqual(unknown.code, .notFound)
    }

    func testAViewAskedOnceTheLoopHasStopped_isAnsweredShuttingDown_notLeftWaiting() async throws {
        let thread = CoreLoopThread(try makeCoreHostingARun())
        thread.stopAndWait()
        let handler = DaemonControlHandler(loop: thread.loop, layout: StateDirectoryLayout(path: directory.path))
        for request in [ControlRequest.status(run: nil), .status(run: "live"), .trials(run: "live", state: nil)] {
            guard case .error(let error) = await handler.handle(request) else { return XCTFail("\(request) answered") }
            XCTAssertEqual(error.code, .shuttingDown, "\(request)")
        }
    }
}
