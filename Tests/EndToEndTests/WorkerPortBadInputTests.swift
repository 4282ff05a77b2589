import Foundation
import XCTest

/// Issue 3 §7, bad input on the worker port: each bad connection is closed with a logged reason,
/// while a real worker keeps working and the daemon keeps answering.
final class WorkerPortBadInputTests: EndToEndTestCase {
    private struct BadConnection: Sendable {
        var name: String
        /// What the "worker" sends before it stops sending.
        var bytes: @Sendable (_ token: String) -> [UInt8]
        /// Whether it half-closes its side after sending (a disconnect mid-frame).
        var disconnects: Bool
        /// The `refused` code the daemon must answer with, when it answers at all.
        var refusal: String?
        /// A fragment the daemon's log line about this connection must contain (case-insensitive).
        var logged: String
    }

    private static let badConnections: [BadConnection] = [
        .init(
            name: "wrong token", bytes: { _ in RawWorkerConnection.hello(token: String(repeating: "0", count: 64)) },
            disconnects: false, refusal: "badToken", logged: "the token does not match"),
        .init(
            name: "wrong protocol version", bytes: { RawWorkerConnection.hello(token: $0, protocolVersion: 99) },
            disconnects: false, refusal: "versionMismatch",
            logged: "protocol version mismatch: daemon 0.1.0 speaks worker protocol 1, worker x speaks 99"),
        .init(
            name: "garbage bytes",
            bytes: { _ in RawWorkerConnection.frame(Array("GET / HTTP/1.1\r\nHost: nasd\r\n\r\n".utf8)) },
            disconnects: false, refusal: nil, logged: "frame 1: payload is not a JSON object"),
        .init(
            name: "oversized frame",
            bytes: { _ in RawWorkerConnection.frameHeader(length: (1 << 20) + 1) + Array(repeating: 0x7B, count: 64) },
            disconnects: false, refusal: nil,
            logged: "frame 1: length 1048577 bytes exceeds the maximum frame size of 1048576 bytes"),
        .init(
            name: "a report before hello",
            bytes: { _ in RawWorkerConnection.frame(Array(#"{"freeSlots":1,"type":"ready"}"#.utf8)) },
            disconnects: false, refusal: nil, logged: "'ready' before 'hello'"),
        .init(
            name: "hello without slots",
            bytes: { RawWorkerConnection.hello(token: $0, slots: 0) },
            disconnects: false, refusal: "malformedHello", logged: "a worker needs an id and at least one slot"),
        .init(
            name: "half-written frame then disconnect",
            bytes: { _ in RawWorkerConnection.frameHeader(length: 200) + Array(#"{"type":"hello","protocolV"#.utf8) },
            disconnects: true, refusal: nil,
            logged: "frame 1: connection closed after 26 of 200 payload bytes (half-written frame)"),
    ]

    func testBadConnections_areClosedWithALoggedReasonWhileARealWorkerKeepsWorking() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        _ = try startWorker(id: "steady", daemon: daemon)
        let configuration = try write(
            """
            name: steady
            seed: 9
            space: {kind: metaqnn, filters: [32, 64], kernels: [1, 3], max_depth: 4}
            strategy: {kind: random}
            training: {epochs: 4}
            trainer: {builtin: surrogate, epoch_delay: 0.05s}
            end: {max_trials: 8}
            """, to: "steady.yaml", in: state)
        try await submit(configuration, to: daemon)
        try await eventually("the steady worker to start a trial", timeout: 30) {
            try await self.workers(of: daemon).contains { $0.id == "steady" && !$0.jobs.isEmpty } ? true : nil
        }
        let token = try String(contentsOfFile: daemon.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        for bad in Self.badConnections {
            let logBefore = daemon.process.standardError.count
            let connection = try RawWorkerConnection(port: daemon.port)
            try? connection.send(bad.bytes(token))
            if bad.disconnects { connection.finishSending() }
            let (bytes, isClosed) = connection.readUntilClosed()
            XCTAssertTrue(isClosed, "\(bad.name): the daemon left the connection open")
            let messages = RawWorkerConnection.messages(in: bytes)
            if let refusal = bad.refusal {
                XCTAssertEqual(messages.first?["type"] as? String, "refused", "\(bad.name): \(messages)")
                XCTAssertEqual(messages.first?["code"] as? String, refusal, "\(bad.name): \(messages)")
                XCTAssertFalse(
                    String(decoding: bytes, as: UTF8.self).contains(token), "\(bad.name): the refusal echoes the token")
            } else {
                XCTAssertFalse(
                    messages.contains { $0["type"] as? String == "welcome" }, "\(bad.name): welcomed: \(messages)")
            }
            let logged = try? await eventually("the daemon to log why it closed '\(bad.name)'", timeout: 5) {
                () -> String? in
                let added = String(daemon.process.standardError.dropFirst(logBefore))
                return added.lowercased().contains(bad.logged.lowercased()) ? added : nil
            }
            XCTAssertNotNil(
                logged,
                "\(bad.name): no log line containing '\(bad.logged)'; the daemon logged: "
                    + String(daemon.process.standardError.dropFirst(logBefore)))
            let status = try await nasd(["status", "steady", "--json"], stateDirectory: state)
            XCTAssertEqual(status.exitCode, 0, "\(bad.name): the daemon stopped answering: \(status)")
        }

        let status = try await waitForRunToEnd("steady", in: state, timeout: 60)
        XCTAssertEqual(status.state, "finished", status.finishReason ?? "")
        XCTAssertEqual(status.counts.failed, 0)
        XCTAssertEqual(status.counts.completed - status.counts.reused, 8)
        let trials = try await trials(of: "steady", in: state)
        XCTAssertEqual(Set(trials.compactMap(\.worker)), ["steady"], "only the real worker trained")
        XCTAssertTrue(trials.allSatisfy { $0.attempts <= 1 }, "a trial was retried: \(trials)")
        let connected = try await workers(of: daemon)
        XCTAssertEqual(connected.map(\.id), ["steady"], "the real worker is still connected")
    }
}
