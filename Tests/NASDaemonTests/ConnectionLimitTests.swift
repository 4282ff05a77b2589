import Foundation
import NASProtocol
import NASSystem
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon

/// Listener limits (issue 11, §3): a connection over the limit, in all or from one address, is
/// answered with a reason and closed, while the admitted ones are served; a closed one frees
/// its place.
final class ConnectionLimitTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "lim")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testTheLimiter_countsInAllAndPerAddress() {
        let limiter = ConnectionLimiter(limits: .init(total: 3, perPeer: 2))
        XCTAssertNil(limiter.admit(peer: "10.0.0.1:1000"))
        XCTAssertNil(limiter.admit(peer: "10.0.0.1:1001"))
        XCTAssertEqual(
            limiter.admit(peer: "10.0.0.1:1002"), "2 connections from 10.0.0.1 are open, the limit per address")
        XCTAssertNil(limiter.admit(peer: "[::1]:1000"))
        XCTAssertEqual(limiter.admit(peer: "10.0.0.2:1000"), "3 connections are open, the limit")
        limiter.release(peer: "10.0.0.1:1000")
        XCTAssertNil(limiter.admit(peer: "10.0.0.2:1000"))
        XCTAssertEqual(limiter.openConnections, 3)
        XCTAssertEqual(ConnectionLimiter.host(of: "[::1]:53422"), "[::1]")
        XCTAssertEqual(ConnectionLimiter.host(of: "unix"), "unix")
    }

    /// Reads one frame's payload from a raw socket (nil when the peer closed first).
    private func readFrame(_ socket: SocketConnection) throws -> [UInt8]? {
        var decoder = FrameDecoder()
        while true {
            if let frame = try decoder.nextFrame() { return frame.payload }
            let bytes = try socket.read(upToCount: 4096)
            if bytes.isEmpty { return nil }
            decoder.append(bytes)
        }
    }

    func testTheWorkerPort_refusesAConnectionOverTheLimitWithTooManyConnections() async throws {
        let lines = Mutex<[String]>([])
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: directory, listen: SocketEndpoint(host: "127.0.0.1", port: 0), version: "test",
                workerConnections: .init(total: 10, perPeer: 2),
                log: DaemonLogger { line in lines.withLock { $0.append(line) } }))
        let serving = Task { try await service.run() }
        defer { serving.cancel() }
        let endpoint = SocketEndpoint(host: "127.0.0.1", port: service.workerPort)
        let first = try SocketConnection.connect(to: endpoint)
        let second = try SocketConnection.connect(to: endpoint)
        let third = try SocketConnection.connect(to: endpoint)
        let payload = try XCTUnwrap(try readFrame(third), "the third connection was closed without a word")
        guard
            case .refused(let refusal) = try MessageCodec().decode(DaemonMessage.self, payload: payload, frameIndex: 1)
        else { return XCTFail("expected a refusal") }
        XCTAssertEqual(refusal.code, .tooManyConnections)
        XCTAssertTrue(refusal.message.contains("2 connections from 127.0.0.1 are open"), refusal.message)
        XCTAssertTrue(lines.withLock { $0 }.contains { $0.contains("refusing a worker connection from 127.0.0.1:") })
        first.close()
        second.close()
        third.close()
        service.post(.shutdownRequested(reason: "test"))
        try await serving.value
    }

    func testTheControlSocket_answersAConnectionOverTheLimitWithAnError() async throws {
        struct Slow: ControlHandler {
            func handle(_ request: ControlRequest) async -> ControlResponse { .ok(.string("ok")) }
        }
        let path = directory.path + "/c.sock"
        let server = try ControlServer(
            socketPath: path, handler: Slow(), connectionLimits: .init(total: 1, perPeer: 1))
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        let held = try SocketConnection.connect(unixPath: path)
        // The held connection is admitted once the server has answered a request on it.
        try held.write(try MessageCodec().encodeFrame(ControlRequest.workers))
        XCTAssertNotNil(try readFrame(held))
        let response = try await ControlClient(socketPath: path).send(.workers)
        guard case .error(let error) = response else { return XCTFail("served over the limit: \(response)") }
        XCTAssertEqual(error.code, .tooManyConnections)
        held.close()
    }

    func testListeningBeyondLoopback_warnsThatTheTokenCrossesTheNetworkInClear() async throws {
        for (host, warns) in [("0.0.0.0", true), ("127.0.0.1", false)] {
            let state = directory.appendingPathComponent(host)
            let lines = Mutex<[String]>([])
            let service = try DaemonService(
                configuration: .init(
                    stateDirectory: state, listen: SocketEndpoint(host: host, port: 0), version: "test",
                    log: DaemonLogger { line in lines.withLock { $0.append(line) } }))
            let serving = Task { try await service.run() }
            service.post(.shutdownRequested(reason: "test"))
            try await serving.value
            let warning = lines.withLock { $0 }.first {
                $0.contains("level=warning") && $0.contains("the worker port listens on")
            }
            XCTAssertEqual(warning != nil, warns, "\(host): \(lines.withLock { $0 })")
            if let warning {
                XCTAssertTrue(warning.contains("in clear") && warning.contains("SSH tunnel"), warning)
            }
        }
    }
}
