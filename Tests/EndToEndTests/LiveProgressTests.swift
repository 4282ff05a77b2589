import Foundation
import NASTestSupport
import XCTest

/// Issue 10 §1: on a terminal `nasd run` redraws its progress block in place (here under a pseudo
/// terminal from util-linux's `script`); the plain-line form is checked by `DemoRunTests`.
final class LiveProgressTests: EndToEndTestCase {
    func testOnATerminal_theProgressBlockIsRedrawnInPlaceAndTheSummaryFollows() async throws {
        let script = "/usr/bin/script"
        guard FileManager.default.isExecutableFile(atPath: script) else {
            throw TestEnvironment.skip("no \(script) (util-linux) to give nasd run a pseudo terminal")
        }
        let directory = try makeTemporaryDirectory()
        let configuration = try write(
            """
            name: live
            seed: 5
            space: {kind: metaqnn, filters: [16, 32], kernels: [1, 3], pools: [[2, 2]], fc_sizes: [64], max_depth: 4}
            strategy:
              kind: metaqnn
              epsilon_schedule: [{epsilon: 1.0, models: 8}, {epsilon: 0.5, models: 4}]
              replay_batch: 8
            training: {epochs: 6}
            trainer: {builtin: surrogate, epoch_delay: 0.1s}
            """, to: "live.yaml", in: directory)
        let state = directory.appendingPathComponent("state")
        let command = [
            TestEnvironment.nasdBinary.path, "run", configuration.path, "--workers", "2", "--state-dir", state.path,
        ]
        let process = try ManagedProcess.start(
            name: "script nasd run", executable: script,
            arguments: ["-q", "-e", "-c", command.joined(separator: " "), "/dev/null"])
        track(process)
        let status = await process.waitForExit(seconds: 90)
        XCTAssertEqual(status, .exited(0), process.output)
        let output = process.output
        // The five-line block: drawn, then redrawn by moving the cursor up five lines and clearing.
        XCTAssertTrue(output.contains("\u{1B}[5F\u{1B}[J"), "no redraw in place: \(output.debugDescription)")
        for topic in ["live · metaqnn · ", "trials   ", "best     ", "epochs   ", "time     "] {
            XCTAssertTrue(output.contains(topic), "'\(topic)' missing: \(output)")
        }
        XCTAssertTrue(output.contains("of 12 planned trials evaluated"), output)
        XCTAssertFalse(output.contains("live: "), "plain log lines on a terminal: \(output)")
        XCTAssertTrue(output.contains("run 'live' finished"), output)
        XCTAssertTrue(output.contains("top 5 of "), output)
        XCTAssertTrue(output.contains("report: \(state.path)/live/report.html"), output)
    }
}
