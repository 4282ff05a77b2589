import Foundation
import NASProtocol
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

final class ControlOfflineTests: XCTestCase {
    private var directory: URL!
    private var layout: StateDirectoryLayout { StateDirectoryLayout(path: directory.path) }

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "off")
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "beta"), name: "beta")
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "alpha"), name: "alpha")
        let log = layout.logFile(run: "alpha", trial: TrialID(rawValue: 1))
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("epoch 1\nepoch 2\nepoch 3\n".utf8).write(to: log)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testStateDirectory_statusListsEveryRunByName() async throws {
        let views = try await payload(
            OfflineControl(stateDirectory: layout), .status(run: nil), as: [RunStatusView].self)
        XCTAssertEqual(views.map(\.name), ["alpha", "beta"])
        XCTAssertEqual(views.map(\.counts.total), [9, 9])
        XCTAssertEqual(views.map(\.phase), ["not running", "not running"])
    }

    func testStateDirectory_answersStatusTrialsBestAndLogsOfOneRun() async throws {
        let control = OfflineControl(stateDirectory: layout)
        let status = try await payload(control, .status(run: "beta"), as: RunStatusView.self)
        XCTAssertEqual(status.name, "beta")
        XCTAssertEqual(status.best?.trial, 2)
        let queued = try await payload(control, .trials(run: "alpha", state: "queued"), as: [TrialView].self)
        XCTAssertEqual(queued.map(\.id), [4])
        let best = try await payload(control, .best(run: "alpha"), as: [TrialView].self)
        XCTAssertEqual(best.map(\.id), [2, 1])
        let log = try await payload(control, .logs(run: "alpha", trial: "1", tail: 2), as: TrialLogView.self)
        XCTAssertEqual(log.lines, ["epoch 2", "epoch 3"])
    }

    func testStateDirectory_unknownRunsAndUnsafeNamesAreNotFound() async throws {
        let control = OfflineControl(stateDirectory: layout)
        for name in ["gamma", "../alpha", ".", ""] {
            let response = await control.handle(.trials(run: name, state: nil))
            XCTAssertEqual(errorCode(response), .notFound, name)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: layout.runDirectory(named: "gamma").path), "nothing is created")
        let missingTrial = await control.handle(.logs(run: "alpha", trial: "99", tail: nil))
        XCTAssertEqual(errorCode(missingTrial), .notFound)
    }

    func testStateDirectory_thatDoesNotExist_listsNoRuns() async throws {
        let control = OfflineControl(stateDirectory: StateDirectoryLayout(path: directory.path + "/nowhere"))
        let views = try await payload(control, .status(run: nil), as: [RunStatusView].self)
        XCTAssertEqual(views, [])
    }

    func testRequestsThatNeedADaemon_sayNoneIsRunning() async throws {
        let control = OfflineControl(stateDirectory: layout)
        let requests: [ControlRequest] = [
            .submit(configText: "", fileName: "x.yaml", restart: false), .workers, .pause(run: "alpha"),
            .resume(run: "alpha"), .stop(run: "alpha"), .delete(run: "alpha"), .archive(run: "alpha"), .drain,
            .shutdown,
        ]
        for request in requests {
            let response = await control.handle(request)
            guard case .error(let error) = response else { return XCTFail("\(request) answered \(response)") }
            XCTAssertEqual(error.code, .daemonNotRunning)
            XCTAssertTrue(error.message.contains("needs a running daemon"), error.message)
        }
    }

    func testRunDirectory_answersForItsRun_whetherNamedOrNot() async throws {
        let control = OfflineControl(runDirectory: layout.runDirectory(named: "alpha"))
        let views = try await payload(control, .status(run: nil), as: [RunStatusView].self)
        XCTAssertEqual(views.map(\.name), ["alpha"])
        let named = try await payload(control, .status(run: "alpha"), as: RunStatusView.self)
        XCTAssertEqual(named.name, "alpha")
        let unnamed = try await payload(control, .trials(run: "", state: nil), as: [TrialView].self)
        XCTAssertEqual(unnamed.count, 9)
        let otherRun = await control.handle(.trials(run: "beta", state: nil))
        XCTAssertEqual(errorCode(otherRun), .notFound)
    }

    func testRunDirectory_withoutAStore_isNotFound_andNothingIsCreated() async throws {
        let empty = directory.appendingPathComponent("empty")
        let control = OfflineControl(runDirectory: empty)
        let response = await control.handle(.status(run: nil))
        XCTAssertEqual(errorCode(response), .notFound)
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty.path))
    }

    func testOfflineHandler_servedOverTheControlSocket_answersAClient() async throws {
        let server = try ControlServer(
            socketPath: layout.controlSocketPath, handler: OfflineControl(stateDirectory: layout))
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let response = try await ControlClient(stateDirectory: layout).send(.best(run: "beta"))
        guard case .ok(let value) = response else { return XCTFail("\(response)") }
        XCTAssertEqual(try value.decode(as: [TrialView].self).first?.curve, [0.6, 0.85, 0.9])
        serving.cancel()
        try await serving.value
    }

    private func payload<Value: Decodable>(
        _ handler: any ControlHandler, _ request: ControlRequest, as type: Value.Type
    ) async throws -> Value {
        let response = await handler.handle(request)
        guard case .ok(let value) = response else {
            throw ControlError(code: .internalError, message: "expected ok, got \(response)")
        }
        return try value.decode(as: type)
    }

    private func errorCode(_ response: ControlResponse) -> ControlError.Code? {
        if case .error(let error) = response { return error.code }
        return nil
    }
}
