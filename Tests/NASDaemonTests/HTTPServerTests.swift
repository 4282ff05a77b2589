import Foundation
import NASSystem
import NASTestSupport
import XCTest

@testable import NASDaemon

final class HTTPServerTests: XCTestCase {
    func testRequest_parsesPathQueryAndHeaders() throws {
        let request = try HTTPRequest(
            head: Array("GET /runs/my%20run?key=abc&x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n".utf8))
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.path, "/runs/my run")
        XCTAssertEqual(request.query, ["key": "abc", "x": "1"])
        XCTAssertEqual(request.headers["authorization"], "Bearer t")
        XCTAssertEqual(request.headers["host"], "h")
    }

    func testRequest_refusesWhatTheDashboardDoesNotServe() {
        func status(_ head: String) -> Int? {
            do {
                _ = try HTTPRequest(head: Array(head.utf8))
                return nil
            } catch {
                return error.status
            }
        }
        XCTAssertEqual(status("POST / HTTP/1.1"), 405)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nContent-Length: 5"), 413)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nTransfer-Encoding: chunked"), 413)
        XCTAssertEqual(status("GET /"), 400)
        XCTAssertEqual(status("GET http://elsewhere/ HTTP/1.1"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nno colon here"), 400)
        XCTAssertNil(status("HEAD / HTTP/1.0"))
    }

    func testServer_answersRefusesOversizedHeadsTimesOutSlowClientsAndCapsConnections() async throws {
        // A timeout long enough that the silent clients are still held while the third one comes,
        // even on a loaded machine.
        let limits = HTTPServer.Limits(maximumHeadBytes: 512, maximumConnections: 2, timeout: .seconds(3))
        let server = try HTTPServer(
            endpoint: SocketEndpoint(host: "127.0.0.1", port: 0), limits: limits, log: .silent
        ) { request in
            .text(200, "you asked for \(request.path)")
        }
        let task = Task { try await server.run() }
        defer { task.cancel() }
        let endpoint = SocketEndpoint(host: "127.0.0.1", port: server.port)

        let ok = try await Self.exchange(endpoint, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(ok.hasPrefix("HTTP/1.1 200 OK\r\n"), ok)
        XCTAssertTrue(ok.hasSuffix("you asked for /hello\n"), ok)
        XCTAssertTrue(ok.contains("Connection: close\r\n"))
        let head = try await Self.exchange(endpoint, "HEAD /hello HTTP/1.1\r\n\r\n")
        XCTAssertTrue(head.hasSuffix("\r\n\r\n"), "HEAD gets no body: \(head)")

        // The cap is 2: wait until the two exchanges' connections are closed on the server's side, or
        // a loaded machine answers this third one 503 before it reads the oversized head.
        func drain() async throws {
            let drained = ContinuousClock.now + .seconds(5)
            while server.openConnections > 0 && ContinuousClock.now < drained {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await drain()
        let big = try await Self.exchange(endpoint, "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 2000))
        XCTAssertTrue(big.hasPrefix("HTTP/1.1 431 "), big)

        // Two silent clients fill the cap: a third is refused at once; the silent ones time out.
        // The earlier exchanges' connections are gone first, so the two held are the silent ones.
        try await drain()
        let silent = try (0..<2).map { _ in try SocketConnection.connect(to: endpoint) }
        // Wait for the server to hold both (an event, not a guess at how long accepting takes).
        let deadline = ContinuousClock.now + .seconds(5)
        while server.openConnections < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(server.openConnections, 2)
        let refused = try await Self.exchange(endpoint, "GET / HTTP/1.1\r\n\r\n")
        XCTAssertTrue(refused.hasPrefix("HTTP/1.1 503 "), refused)
        let timedOut = try await Self.read(silent[0])
        XCTAssertTrue(timedOut.hasPrefix("HTTP/1.1 408 "), timedOut)
        for connection in silent { connection.close() }
        let freed = ContinuousClock.now + .seconds(10)
        while server.openConnections > 0 && ContinuousClock.now < freed {
            try await Task.sleep(for: .milliseconds(10))
        }
        let again = try await Self.exchange(endpoint, "GET /again HTTP/1.1\r\n\r\n")
        XCTAssertTrue(again.hasPrefix("HTTP/1.1 200 "), "slots free again once the slow clients are gone: \(again)")
    }

    func testAccess_isOpenOnLoopback_andNeedsTheKeyFileElsewhere() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "key")
        defer { try? FileManager.default.removeItem(at: directory) }
        let layout = StateDirectoryLayout(path: directory.path)
        let request = try HTTPRequest(head: Array("GET / HTTP/1.1".utf8))
        XCTAssertTrue(
            try DashboardAccess(endpoint: SocketEndpoint(host: "127.0.0.1", port: 1), layout: layout).admits(request))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.path + "/dashboard.key"))

        let access = try DashboardAccess(endpoint: SocketEndpoint(host: "0.0.0.0", port: 1), layout: layout)
        let keyPath = directory.path + "/dashboard.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let key = try XCTUnwrap(access.key)
        XCTAssertEqual(key.count, 48)
        XCTAssertEqual(
            try DashboardAccess(endpoint: SocketEndpoint(host: "10.0.0.1", port: 1), layout: layout).key, key)
        XCTAssertFalse(access.admits(request))
        XCTAssertTrue(access.admits(try HTTPRequest(head: Array("GET /?key=\(key) HTTP/1.1".utf8))))
        XCTAssertTrue(
            access.admits(try HTTPRequest(head: Array("GET / HTTP/1.1\r\nAuthorization: Bearer \(key)".utf8))))
        XCTAssertFalse(access.admits(try HTTPRequest(head: Array("GET /?key=\(key.dropLast()) HTTP/1.1".utf8))))
        let site = DashboardSite(layout: layout, access: access, gauges: { nil }, ackLatency: { nil })
        XCTAssertEqual(site.respond(to: request).status, 401)
        XCTAssertEqual(
            site.respond(to: try HTTPRequest(head: Array("GET /metrics?key=\(key) HTTP/1.1".utf8))).status, 200)
        XCTAssertEqual(
            site.respond(to: try HTTPRequest(head: Array("GET /runs/..%2Fetc?key=\(key) HTTP/1.1".utf8))).status, 404)
    }

    /// Sends `request` and reads the whole answer, on a thread (the reads block).
    static func exchange(_ endpoint: SocketEndpoint, _ request: String) async throws -> String {
        let connection = try SocketConnection.connect(to: endpoint)
        defer { connection.close() }
        try connection.write(Array(request.utf8))
        return try await read(connection)
    }

    static func read(_ connection: SocketConnection) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                var bytes: [UInt8] = []
                do {
                    while true {
                        let chunk = try connection.read(upToCount: 65536)
                        if chunk.isEmpty { break }
                        bytes += chunk
                    }
                    continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
