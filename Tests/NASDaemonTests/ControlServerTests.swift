import Foundation
import NASProtocol
import NASSystem
import NASTestSupport
import XCTest

@testable import NASDaemon

/// Answers `status RUN` with the run's name, `shutdown` with an error, anything else with its type.
private struct EchoHandler: ControlHandler {
    func handle(_ request: ControlRequest) async -> ControlResponse {
        switch request {
        case .status(let run?):
            return .ok(.object(["run": .string(run)]))
        case .shutdown:
            return .error(ControlError(code: .shuttingDown, message: "already shutting down"))
        default:
            return .ok(.string(request.messageType))
        }
    }
}

/// Collects the server's log lines.
private final class LogLines: @unchecked Sendable {
    // @unchecked Sendable: `lines` is only touched while holding `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

final class ControlServerTests: XCTestCase {
    private var directory: URL!
    private var socketPath: String { directory.path + "/control.sock" }

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "ctl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` while a server with `handler` serves the socket, then cancels the server and
    /// waits for `run()` to return.
    private func withServer(
        handler: any ControlHandler = EchoHandler(), maximumFrameSize: Int = Framing.defaultMaximumFrameSize,
        log: LogLines = LogLines(), _ body: () async throws -> Void
    ) async throws {
        let server = try ControlServer(
            socketPath: socketPath, handler: handler, maximumFrameSize: maximumFrameSize, log: { log.append($0) })
        let serving = Task { try await server.run() }
        do {
            try await body()
        } catch {
            serving.cancel()
            _ = await serving.result
            throw error
        }
        serving.cancel()
        try await serving.value
    }

    func testRoundTrip_aRequestGetsItsHandlersResponse() async throws {
        try await withServer {
            let client = ControlClient(socketPath: socketPath)
            let status = try await client.send(.status(run: "demo"))
            XCTAssertEqual(status, .ok(.object(["run": .string("demo")])))
            let workers = try await client.send(.workers)
            XCTAssertEqual(workers, .ok(.string("workers")))
            let shutdown = try await client.send(.shutdown)
            XCTAssertEqual(shutdown, .error(ControlError(code: .shuttingDown, message: "already shutting down")))
        }
    }

    func testSocketFile_isMode0600_andIsRemovedWhenTheServerStops() async throws {
        try await withServer {
            let attributes = try FileManager.default.attributesOfItem(atPath: socketPath)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath))
    }

    func testAStoppedServer_goingAway_leavesTheSocketOfItsSuccessorAlone() async throws {
        var first: ControlServer? = try ControlServer(socketPath: socketPath, handler: EchoHandler())
        let serving = Task { [first] in try await first?.run() }
        serving.cancel()
        try await serving.value
        let second = try ControlServer(socketPath: socketPath, handler: EchoHandler())
        first = nil
        XCTAssertNil(first)
        XCTAssertTrue(FileManager.default.fileExists(atPath: socketPath), "the first server's deinit kept off it")
        withExtendedLifetime(second) {}
    }

    func testConcurrentClients_eachGetTheirOwnAnswer() async throws {
        try await withServer {
            let client = ControlClient(socketPath: socketPath)
            let answers = try await withThrowingTaskGroup(of: (Int, ControlResponse).self) { group in
                for index in 0..<24 {
                    group.addTask { (index, try await client.send(.status(run: "run-\(index)"))) }
                }
                var answers: [Int: ControlResponse] = [:]
                for try await (index, response) in group { answers[index] = response }
                return answers
            }
            XCTAssertEqual(answers.count, 24)
            for (index, response) in answers {
                XCTAssertEqual(response, .ok(.object(["run": .string("run-\(index)")])))
            }
        }
    }

    func testOneConnection_carriesManyRequests_answeredInOrder() async throws {
        try await withServer {
            let connection = FramedConnection(try SocketConnection.connect(unixPath: socketPath))
            defer { connection.close() }
            let codec = MessageCodec()
            for name in ["a", "b", "c"] {
                try await connection.send(ControlRequest.status(run: name))
            }
            var frames = connection.frames.makeAsyncIterator()
            for name in ["a", "b", "c"] {
                let frame = try await requireValue(try await frames.next())
                XCTAssertEqual(
                    try codec.decode(ControlResponse.self, from: frame), .ok(.object(["run": .string(name)])))
            }
        }
    }

    func testAFrameThatIsNotARequest_getsAnInvalidRequestError_andTheConnectionGoesOn() async throws {
        try await withServer {
            let connection = FramedConnection(try SocketConnection.connect(unixPath: socketPath))
            defer { connection.close() }
            let codec = MessageCodec()
            var frames = connection.frames.makeAsyncIterator()
            for garbage in ["not json at all", "{\"type\":\"launchMissiles\"}", "{\"type\":\"logs\",\"run\":\"x\"}"] {
                try await connection.send(frameBytes: try Framing.frame(Array(garbage.utf8)))
                let frame = try await requireValue(try await frames.next())
                guard case .error(let error) = try codec.decode(ControlResponse.self, from: frame) else {
                    return XCTFail("expected an error for \(garbage)")
                }
                XCTAssertEqual(error.code, .invalidRequest)
                XCTAssertTrue(error.message.hasPrefix("frame "), error.message)
            }
            try await connection.send(ControlRequest.drain)
            let frame = try await requireValue(try await frames.next())
            XCTAssertEqual(try codec.decode(ControlResponse.self, from: frame), .ok(.string("drain")))
        }
    }

    func testGarbageBytesAndAnOversizedFrame_closeThatConnection_andTheServerKeepsServing() async throws {
        let log = LogLines()
        try await withServer(maximumFrameSize: 4096, log: log) {
            let client = ControlClient(socketPath: socketPath, maximumFrameSize: 4096)
            for bytes in [
                Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                try Framing.frame(Array(repeating: 0x20, count: 5000), maximumFrameSize: 1 << 20),
            ] {
                let raw = try SocketConnection.connect(unixPath: socketPath)
                let connection = FramedConnection(raw)
                try? await connection.send(frameBytes: bytes)
                var frames = connection.frames.makeAsyncIterator()
                let answer = try? await frames.next()
                XCTAssertNil(answer ?? nil, "no response to a frame over the limit; the server closes")
                connection.close()
                let workers = try await client.send(.workers)
                XCTAssertEqual(workers, .ok(.string("workers")))
            }
            try await waitUntil { log.all.count >= 2 }
            XCTAssertTrue(log.all.allSatisfy { $0.contains("exceeds the maximum frame size of 4096") }, "\(log.all)")
        }
    }

    func testAHalfWrittenFrameThenDisconnect_isLogged_andOthersAreServed() async throws {
        let log = LogLines()
        try await withServer(log: log) {
            let raw = try SocketConnection.connect(unixPath: socketPath)
            try raw.write([0, 0, 0, 50] + Array("{\"type\":".utf8))
            raw.close()
            let drain = try await ControlClient(socketPath: socketPath).send(.drain)
            XCTAssertEqual(drain, .ok(.string("drain")))
            try await waitUntil { !log.all.isEmpty }
            XCTAssertTrue(log.all[0].contains("half-written frame"), "\(log.all)")
        }
    }

    func testAResponseTooLargeForAFrame_becomesAnInternalError() async throws {
        struct Huge: ControlHandler {
            func handle(_ request: ControlRequest) async -> ControlResponse {
                .ok(.string(String(repeating: "x", count: 10_000)))
            }
        }
        try await withServer(handler: Huge(), maximumFrameSize: 4096) {
            let response = try await ControlClient(socketPath: socketPath, maximumFrameSize: 4096).send(.workers)
            guard case .error(let error) = response else { return XCTFail("expected an error") }
            XCTAssertEqual(error.code, .internalError)
            XCTAssertTrue(error.message.contains("exceeds the maximum frame size"), error.message)
        }
    }

    func testClient_withNoDaemon_saysNoneIsRunningForTheStateDirectory() async throws {
        let layout = StateDirectoryLayout(path: directory.path)
        do {
            _ = try await ControlClient(stateDirectory: layout).send(.status(run: nil))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .daemonNotRunning(stateDirectory: directory.path, socketPath: socketPath))
            XCTAssertEqual(
                error.description,
                "no daemon is running for state directory \(directory.path) (nothing listening at \(socketPath))")
        }
    }

    func testASecondServer_onALiveSocket_isRefused() throws {
        let server = try ControlServer(socketPath: socketPath, handler: EchoHandler())
        defer { withExtendedLifetime(server) {} }
        XCTAssertThrowsError(try ControlServer(socketPath: socketPath, handler: EchoHandler())) { error in
            XCTAssertEqual(error as? SocketAddressError, .unixSocketInUse(path: socketPath))
        }
    }

    func testServer_withASocketPathTooLong_failsNamingTheLimit() {
        let longPath = "/tmp/" + String(repeating: "d", count: 120) + "/control.sock"
        XCTAssertThrowsError(try ControlServer(socketPath: longPath, handler: EchoHandler())) { error in
            XCTAssertTrue("\(error)".contains("too long"), "\(error)")
            XCTAssertTrue("\(error)".contains("--state-dir"), "\(error)")
        }
    }

    func testCancellingRun_closesOpenConnections() async throws {
        let server = try ControlServer(socketPath: socketPath, handler: EchoHandler())
        let serving = Task { try await server.run() }
        let connection = FramedConnection(try SocketConnection.connect(unixPath: socketPath))
        try await connection.send(ControlRequest.drain)
        var frames = connection.frames.makeAsyncIterator()
        _ = try await frames.next()
        serving.cancel()
        try await serving.value
        let next = try? await frames.next()
        XCTAssertNil(next ?? nil, "the server closed the idle connection when it stopped")
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath))
    }

    private func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else { return XCTFail("condition not met within \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// `XCTUnwrap` for a value produced by an `await` (which an autoclosure cannot hold).
func requireValue<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}
