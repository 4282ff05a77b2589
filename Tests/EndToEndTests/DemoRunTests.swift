import Foundation
import NASTestSupport
import XCTest

/// Issue 3 §6-7: `nasd run configs/demo.yaml --workers 3`, the demo as shipped, finishes and
/// prints its best; running it again says the run already ended.
final class DemoRunTests: EndToEndTestCase {
    func testDemo_runsToCompletionWithThreeWorkersAndAgainReportsThatItEnded() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let started = Date()
        let first = try await nasd(["run", demo, "--workers", "3"], stateDirectory: state, timeout: 120)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(first.exitCode, 0, "\(first)")
        XCTAssertLessThan(seconds, 120)
        XCTAssertTrue(first.outputText.contains("run 'demo' finished"), "\(first)")
        let bestLine = try XCTUnwrap(first.standardOutput.last { $0.hasPrefix("best: trial ") }, "\(first)")
        XCTAssertTrue(bestLine.contains("accuracy ") && bestLine.contains("%: ["), bestLine)

        // The store agrees: 120 trained trials, spread over the three local workers.
        let status = try await status(of: "demo", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.completed - status.counts.reused, 120)
        XCTAssertEqual(status.counts.failed, 0)
        let best = try XCTUnwrap(status.best)
        XCTAssertTrue(bestLine.hasPrefix("best: trial \(best.trial), "), "\(bestLine) vs \(best)")
        XCTAssertTrue(bestLine.hasSuffix(best.notation), "\(bestLine) vs \(best)")
        let workers = Set(try await trials(of: "demo", in: state).compactMap(\.worker))
        XCTAssertEqual(workers, ["local-1", "local-2", "local-3"])

        let again = try await nasd(["run", demo, "--workers", "3"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(again.exitCode, 0, "\(again)")
        XCTAssertTrue(again.outputText.contains("run 'demo' already ended"), "\(again)")
        XCTAssertTrue(again.standardOutput.contains(bestLine), "\(again)")
    }

    func testDemoInterruptedWithCtrlC_resumesWhenRunAgainAndFinishesWithoutFailedTrials() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let foreground = try startProcess(
            name: "nasd run", arguments: ["run", demo, "--workers", "3", "--state-dir", state.path])
        let before = try await eventually("the demo to train a few trials with some running", timeout: 60) {
            () -> RunStatusPayload? in
            let status = try await self.status(of: "demo", in: state)
            return status.counts.completed >= 5 && status.counts.running >= 2 ? status : nil
        }
        try foreground.subprocess.signalGroup(SIGINT)
        let interrupted = await foreground.waitForExit(seconds: 30)
        XCTAssertNotNil(interrupted, "nasd run did not stop on SIGINT")
        XCTAssertNotEqual(interrupted, .exited(0), "an interrupted run is not a success")
        XCTAssertTrue(foreground.output.contains("resume"), foreground.output)
        let token = state.appendingPathComponent("token").path
        let lingering = try? await eventually("the local workers of the interrupted run to exit", timeout: 20) {
            ProcessScan.processIDs(mentioning: token).isEmpty ? true : nil
        }
        XCTAssertNotNil(
            lingering,
            "local workers outlived the interrupted 'nasd run': "
                + ProcessScan.processIDs(mentioning: token).map(ProcessScan.describe).joined(separator: "; "))
        let stopped = try await status(of: "demo", in: state)
        XCTAssertEqual(stopped.state, "active", "an interrupted run is not over")
        XCTAssertGreaterThanOrEqual(stopped.counts.completed, before.counts.completed)
        XCTAssertEqual(stopped.counts.failed, 0)

        let resumed = try await nasd(["run", demo, "--workers", "3"], stateDirectory: state, timeout: 120)
        XCTAssertEqual(resumed.exitCode, 0, "\(resumed)")
        XCTAssertTrue(resumed.outputText.contains("run 'demo' finished"), "\(resumed)")
        let status = try await status(of: "demo", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.completed - status.counts.reused, 120)
        let trials = try await trials(of: "demo", in: state)
        let failed = trials.filter { $0.state == "failed" }
        XCTAssertEqual(
            failed.map { "trial \($0.id): \($0.failureReason ?? "")" }, [],
            "trials interrupted by Ctrl-C must be trained again when the run resumes")
        for trial in trials where trial.state == "completed" && trial.reusedFrom == nil {
            XCTAssertEqual(trial.epochsDone, 12, "trial \(trial.id)")
            XCTAssertGreaterThanOrEqual(trial.attempts, 1, "trial \(trial.id)")
        }
    }

    func testCtrlCRightAfterTheRunStarts_stopsEveryLocalWorker() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let foreground = try startProcess(
            name: "nasd run", arguments: ["run", demo, "--workers", "3", "--state-dir", state.path])
        try await eventually("nasd run to start the run", timeout: 30, interval: 0.01) {
            foreground.output.contains("run 'demo' created") ? true : nil
        }
        try foreground.subprocess.signalGroup(SIGINT)
        let interrupted = await foreground.waitForExit(seconds: 30)
        XCTAssertNotNil(interrupted, "nasd run did not stop on SIGINT")
        let token = state.appendingPathComponent("token").path
        let gone = try? await eventually("the local workers to exit", timeout: 10) {
            ProcessScan.processIDs(mentioning: token).isEmpty ? true : nil
        }
        XCTAssertNotNil(
            gone,
            "local workers outlived 'nasd run' by 10 s: "
                + ProcessScan.processIDs(mentioning: token).map(ProcessScan.describe).joined(separator: "; "))
    }
}
