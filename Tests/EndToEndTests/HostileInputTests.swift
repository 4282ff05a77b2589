import Foundation
import XCTest

/// Issue 11, hostile input, against the built binary: configurations and JSON that used to crash
/// the command line or answer with Swift dumps, a worker that lies about its slots and its
/// sequence numbers, and the token, which must never leave the token file.
final class HostileInputTests: EndToEndTestCase {
    private static let valid = """
        name: steady
        seed: 9
        space: {kind: metaqnn, filters: [32, 64], kernels: [1, 3], max_depth: 4}
        strategy: {kind: random}
        training: {epochs: 3}
        trainer: {builtin: surrogate}
        end: {max_trials: 4}

        """

    func testConfigCheck_refusesDeepNestingAndBinaryFilesWithALocatedErrorNotASegfault() async throws {
        let directory = try makeTemporaryDirectory()
        let depth = 7_000
        let cases: [(String, [UInt8], String)] = [
            (
                "flow.yaml", Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8),
                ":1:65: error: lists and maps are nested more than 64 levels"
            ),
            (
                "maps.yaml",
                Array((String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)).utf8),
                ":1:257: error: lists and maps are nested"
            ),
            (
                "dashes.yaml", Array((String(repeating: "- ", count: depth) + "1\n").utf8),
                ":1:129: error: lists and maps are nested"
            ),
            (
                "binary.yaml", Array("name: x\n".utf8) + [0x89, 0x50, 0x4E, 0x47, 0x00],
                ":2:1: error: byte 8 (0x89) is not valid UTF-8"
            ),
        ]
        for (name, bytes, expected) in cases {
            let file = directory.appendingPathComponent(name)
            try Data(bytes).write(to: file)
            for command in [["config", "check", file.path], ["submit", file.path, "--state-dir", directory.path]] {
                let outcome = try await NASDCommand.run(command)
                XCTAssertEqual(outcome.exitCode, 2, "\(command): \(outcome)")
                XCTAssertEqual(
                    outcome.standardError.first.map { $0.hasPrefix("nasd: " + file.path + expected) }, true,
                    "\(command): \(outcome)")
            }
        }
    }

    func testArchParse_describesBadJSONByPositionWithoutADecodingErrorDump() async throws {
        for (json, expected) in [
            (
                "{\"layers\": [}",
                "nasd: invalid architecture JSON: not valid JSON: invalid value around character 12 (line 1, column 13)"
            ),
            (
                "{\"layers\": " + String(repeating: "[", count: 5_000),
                "nasd: invalid architecture JSON: not valid JSON: too many nested arrays or dictionaries"
            ),
        ] {
            let outcome = try await NASDCommand.run(["arch", "parse", json])
            XCTAssertEqual(outcome.exitCode, 2, "\(outcome)")
            XCTAssertEqual(outcome.standardError.first.map { $0.hasPrefix(expected) }, true, "\(outcome)")
            XCTAssertFalse(outcome.errorText.contains("DecodingError"), "\(outcome)")
        }
    }

    func testStatus_listsACorruptRunBesideTheHealthyOnesWithoutADaemon() async throws {
        let state = try makeTemporaryDirectory()
        let config = try write(Self.valid, to: "steady.yaml", in: state)
        let run = try await NASDCommand.run(
            ["run", config.path, "--state-dir", state.path, "--workers", "1"], timeout: 60)
        XCTAssertEqual(run.exitCode, 0, "\(run)")
        let broken = state.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: broken.appendingPathComponent("run.sqlite"))
        let outcome = try await nasd(["status"], stateDirectory: state)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(
            outcome.standardOutput.contains { $0.hasPrefix("steady") && $0.contains("finished") }, "\(outcome)")
        XCTAssertTrue(
            outcome.standardOutput.contains { $0.hasPrefix("broken") && $0.contains("unreadable") }, "\(outcome)")
        XCTAssertTrue(
            outcome.standardOutput.contains { $0.hasPrefix("error: run 'broken': ") && $0.contains("run.sqlite") },
            "\(outcome)")
    }

    func testAWorkerClaimingTooManySlotsOrRewindingItsSequence_isRefusedAndTheTokenNeverLeaks() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        let token = try String(contentsOfFile: daemon.tokenFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        let greedy = try RawWorkerConnection(port: daemon.port)
        try greedy.send(RawWorkerConnection.hello(token: token, workerID: "greedy", slots: Int.max))
        let refused = RawWorkerConnection.messages(in: greedy.readUntilClosed().bytes)
        XCTAssertEqual(refused.first?["code"] as? String, "malformedHello", "\(refused)")
        XCTAssertTrue((refused.first?["message"] as? String)?.contains("at most 1024") == true, "\(refused)")

        let rewinding = try RawWorkerConnection(port: daemon.port)
        let report = { (seq: Int) in
            RawWorkerConnection.frame(
                Array(
                    #"{"type":"fail","jobID":"j","attempt":1,"trialID":"1","runName":"none","reason":"x","logTail":[],"seq":\#(seq)}"#
                        .utf8))
        }
        try rewinding.send(RawWorkerConnection.hello(token: token, workerID: "rewinding") + report(5) + report(3))
        XCTAssertTrue(rewinding.readUntilClosed().isClosed, "a rewinding worker stayed connected")
        try await eventually("the daemon to log the rewound sequence", timeout: 5) {
            daemon.process.standardError.contains("sequence number 3 does not follow 5") ? true : nil
        }

        _ = try startWorker(id: "honest", daemon: daemon)
        try await submit(try write(Self.valid, to: "steady.yaml", in: state), to: daemon)
        try await waitForRunToEnd("steady", in: state)
        var seen = [daemon.process.standardError]
        let commands = [
            ["status"], ["status", "steady"], ["trials", "steady"], ["workers"], ["logs", "steady", "1"],
        ]
        for command in commands.flatMap({ [$0, $0 + ["--json"]] }) + [["export", "steady"]] {
            let outcome = try await nasd(command, stateDirectory: state)
            seen.append(outcome.outputText + outcome.errorText)
        }
        for text in seen {
            XCTAssertFalse(text.contains(token), "the token appears in: \(text.prefix(500))")
        }
    }
}
