import Foundation
import Glibc
import NASSystem
import NASTestSupport
import XCTest

final class SocketTests: XCTestCase {
    private let loopback = SocketEndpoint(host: "127.0.0.1", port: 0)

    func testTCPListener_onPortZero_reportsTheActualPort_andExchangesBytes() async throws {
        try await assertNoDescriptorLeak {
            let listener = try SocketListener.listen(on: loopback)
            defer { listener.close() }
            let port = try XCTUnwrap(listener.port)
            XCTAssertNotEqual(port, 0)
            let client = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))
            let server = try XCTUnwrap(try listener.accept())
            XCTAssertTrue(server.peer.hasPrefix("127.0.0.1:"), server.peer)
            try client.write(Array("ping".utf8))
            XCTAssertEqual(try server.read(upToCount: 4), Array("ping".utf8))
            try server.write(Array("pong".utf8))
            XCTAssertEqual(try client.read(upToCount: 4), Array("pong".utf8))
            client.close()
            XCTAssertEqual(try server.read(upToCount: 4), [], "end of file after the peer closes")
            server.close()
        }
    }

    func testTCPConnections_haveNoDelayAndCloseOnExec() throws {
        let listener = try SocketListener.listen(on: loopback)
        defer { listener.close() }
        let client = try SocketConnection.connect(to: SocketEndpoint(host: "localhost", port: listener.port ?? 0))
        let server = try XCTUnwrap(try listener.accept())
        for connection in [client, server] {
            let (noDelay, flags) = try connection.descriptor.withRawDescriptor("getsockopt") { raw in
                var value: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(raw, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length)
                return (value, fcntl(raw, F_GETFD))
            }
            XCTAssertEqual(noDelay, 1)
            XCTAssertEqual(flags & FD_CLOEXEC, FD_CLOEXEC)
        }
    }

    func testConnect_toAClosedPort_isRefused() throws {
        let listener = try SocketListener.listen(on: loopback)
        let port = try XCTUnwrap(listener.port)
        listener.close()
        XCTAssertThrowsError(try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))) {
            XCTAssertEqual(($0 as? SystemError)?.code, ECONNREFUSED)
        }
    }

    func testConnect_toAnUnresolvableHost_namesTheHost() {
        XCTAssertThrowsError(try SocketConnection.connect(to: SocketEndpoint(host: "no-such-host.invalid", port: 1))) {
            guard case .unresolvableHost(host: "no-such-host.invalid", _) = $0 as? SocketAddressError else {
                return XCTFail("unexpected \($0)")
            }
        }
    }

    func testListenerShutdown_wakesABlockedAccept_whichReturnsNil() async throws {
        let listener = try SocketListener.listen(on: loopback)
        let accepted = Task.detached { try listener.accept() }
        try await Task.sleep(for: .milliseconds(50))
        listener.shutdown()
        let result = try await accepted.value
        XCTAssertNil(result)
        listener.close()
    }

    func testConnectionsStream_yieldsAcceptedConnections_andEndsWhenCancelled() async throws {
        let listener = try SocketListener.listen(on: loopback)
        defer { listener.close() }
        let port = try XCTUnwrap(listener.port)
        let clients = try (0..<3).map { _ in try SocketConnection.connect(to: .init(host: "127.0.0.1", port: port)) }
        var count = 0
        for try await connection in listener.connections() {
            count += 1
            connection.close()
            if count == clients.count { break }
        }
        XCTAssertEqual(count, 3)
        for client in clients {
            client.close()
        }
    }

    func testUnixListener_createsMode0600_exchangesBytes_andRemovesTheFileOnClose() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        let path = directory.appendingPathComponent("c.sock").path
        let listener = try SocketListener.listen(unixPath: path)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        let client = try SocketConnection.connect(unixPath: path)
        let server = try XCTUnwrap(try listener.accept())
        try client.write([7, 8, 9])
        XCTAssertEqual(try server.read(upToCount: 3), [7, 8, 9])
        client.close()
        server.close()
        listener.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testUnixListener_pathTooLong_saysSoWithLengthLimitAndRemedy() throws {
        let path = "/tmp/" + String(repeating: "d", count: 120) + "/control.sock"
        XCTAssertThrowsError(try SocketListener.listen(unixPath: path)) { error in
            guard case .unixPathTooLong(path: path, let length, let limit) = error as? SocketAddressError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(length, path.utf8.count)
            XCTAssertEqual(limit, 107)
            let text = String(describing: error)
            XCTAssertTrue(text.contains("too long") && text.contains("\(length) bytes"), text)
            XCTAssertTrue(text.contains("107") && text.contains("--state-dir"), text)
        }
    }

    func testUnixListener_replacesAStaleSocketFile_butNotALiveOne() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        let path = directory.appendingPathComponent("c.sock").path
        // A stale socket file: bound, then its socket closed without unlinking (a killed daemon).
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        XCTAssertEqual(bound, 0)
        close(stale)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))

        let listener = try SocketListener.listen(unixPath: path)
        defer { listener.close() }
        XCTAssertThrowsError(try SocketListener.listen(unixPath: path)) {
            XCTAssertEqual($0 as? SocketAddressError, .unixSocketInUse(path: path))
        }
        let client = try SocketConnection.connect(unixPath: path)
        XCTAssertNotNil(try listener.accept(), "the first listener still serves after the refused second one")
        client.close()
    }

    func testUnixListener_refusesToReplaceARegularFile() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        let path = directory.appendingPathComponent("c.sock").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        XCTAssertThrowsError(try SocketListener.listen(unixPath: path)) {
            XCTAssertEqual($0 as? SocketAddressError, .notASocket(path: path))
        }
    }

    func testEndpointParsing_acceptsHostPortAndBracketedIPv6_andNamesErrors() throws {
        XCTAssertEqual(try SocketEndpoint(parsing: "gpu-1:7070"), SocketEndpoint(host: "gpu-1", port: 7070))
        XCTAssertEqual(try SocketEndpoint(parsing: "[::1]:80"), SocketEndpoint(host: "::1", port: 80))
        XCTAssertEqual(SocketEndpoint(host: "::1", port: 80).description, "[::1]:80")
        XCTAssertThrowsError(try SocketEndpoint(parsing: "host")) {
            XCTAssertEqual($0 as? SocketAddressError, .invalidEndpoint(text: "host", reason: "expected HOST:PORT"))
        }
        XCTAssertThrowsError(try SocketEndpoint(parsing: "h:99999"))
        XCTAssertThrowsError(try SocketEndpoint(parsing: ":80"))
    }
}
