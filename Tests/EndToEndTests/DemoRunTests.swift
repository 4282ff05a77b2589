import Foundation
import NASTestSupport
import XCTest

/// Issue 3 §6-7, issue 10 §1: `nasd run configs/demo.yaml --workers 3`, the demo as shipped
/// (MetaQNN, 100 networks in its ε schedule), finishes; its plain progress lines (output is not a
/// terminal here) count what the store counts; it ends with the top 5, the epochs against the same
/// search without pruning and the report it wrote; running it again says the run already ended.
///
/// The demo runs in an optimized build, as `make demo` does (its 2-minute goal is stated for one):
/// `make test` builds one and names it in `NASD_RELEASE_BIN`; without it these tests skip.
final class DemoRunTests: EndToEndTestCase {
    private func optimizedBinary() throws -> String {
        guard let binary = TestEnvironment.optimizedNasdBinary else {
            throw TestEnvironment.skip(
                "the demo runs in an optimized build: set NASD_RELEASE_BIN (make test builds one)")
        }
        return binary.path
    }

    func testDemo_runsToCompletionWithThreeWorkersAndAgainReportsThatItEnded() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let started = Date()
        let optimized = try optimizedBinary()
        let first = try await nasd(
            ["run", demo, "--workers", "3"], stateDirectory: state, timeout: 120, executable: optimized)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(first.exitCode, 0, "\(first)")
        XCTAssertLessThan(seconds, 120)
        XCTAssertTrue(first.outputText.contains("run 'demo' finished"), "\(first)")
        XCTAssertFalse(first.outputText.contains("\u{1B}["), "no terminal control sequences when not a terminal")
        let bestLine = try XCTUnwrap(first.standardOutput.last { $0.hasPrefix("best: trial ") }, "\(first)")
        XCTAssertTrue(bestLine.contains("accuracy ") && bestLine.contains("%: ["), bestLine)

        // The store agrees: the schedule's 100 networks (a few more proposed while a step filled),
        // trained or stopped early by SRM over the three local workers; vetoed candidates (the
        // Peephole prior) are not among them.
        let status = try await status(of: "demo", in: state)
        XCTAssertEqual(status.state, "finished")
        let trained = status.counts.completed - status.counts.reused
        XCTAssertGreaterThanOrEqual(trained + status.counts.stoppedEarly, 100)
        XCTAssertGreaterThan(status.counts.stoppedEarly, 0, "SRM early stopping engages within the demo")
        XCTAssertGreaterThan(status.counts.vetoed, 0, "the Peephole prior vetoes within the demo")
        XCTAssertEqual(status.counts.failed, 0)
        let best = try XCTUnwrap(status.best)
        XCTAssertTrue(bestLine.hasPrefix("best: trial \(best.trial), "), "\(bestLine) vs \(best)")
        XCTAssertTrue(bestLine.hasSuffix(best.notation), "\(bestLine) vs \(best)")
        let all = try await trials(of: "demo", in: state)
        XCTAssertEqual(Set(all.compactMap(\.worker)), ["local-1", "local-2", "local-3"])
        let stoppedEarly = all.filter { $0.state == "stopped_early" && $0.reusedFrom == nil }.count
        let vetoed = all.filter { $0.state == "vetoed" && $0.reusedFrom == nil }.count

        // The last progress line counts what the store counts, each count saying what it counts.
        let progress = try XCTUnwrap(first.standardOutput.last { $0.hasPrefix("demo: ") }, "\(first)")
        for expected in [
            "\(trained) trained", "0 running", "\(stoppedEarly) stopped early", "\(vetoed) vetoed",
            "\(status.counts.reused) reused (duplicates, not retrained)",
            "\(status.epochsSpent) epochs spent", "100 planned",
        ] {
            XCTAssertTrue(progress.contains(expected), "'\(expected)' missing from: \(progress)")
        }
        XCTAssertGreaterThanOrEqual(
            first.standardOutput.filter { $0.hasPrefix("demo: ") }.count, 2, "progress is logged while the run goes on")

        // The closing summary: the top 5, best first, the epochs, the report.
        let header = try XCTUnwrap(first.standardOutput.firstIndex(of: "top 5 of \(trained) trained architectures:"))
        let ranks = first.standardOutput[(header + 1)...].prefix(5)
        XCTAssertEqual(ranks.map { String($0.prefix(5)) }, ["  1. ", "  2. ", "  3. ", "  4. ", "  5. "])
        let accuracies = ranks.compactMap { line in Double(line.dropFirst(5).prefix { $0 != "%" }) }
        XCTAssertEqual(accuracies.count, 5)
        XCTAssertEqual(accuracies, accuracies.sorted(by: >))
        XCTAssertEqual(accuracies.first, (best.accuracy * 10000).rounded() / 100)
        XCTAssertTrue(ranks.first?.hasSuffix(best.notation) ?? false)
        let epochsLine = try XCTUnwrap(
            first.standardOutput.first {
                $0.hasPrefix("epochs: \(status.epochsSpent) spent; the same search without pruning: ")
            }, "\(first)")
        XCTAssertFalse(epochsLine.contains("(0 saved"), "early stopping saved epochs: \(epochsLine)")
        let reportLine = try XCTUnwrap(first.standardOutput.last { $0.hasPrefix("report: ") })
        let report = try String(contentsOfFile: String(reportLine.dropFirst("report: ".count)), encoding: .utf8)
        XCTAssertTrue(report.contains("<svg") && report.contains(best.notation), "the report shows the best network")

        let again = try await nasd(
            ["run", demo, "--workers", "3"], stateDirectory: state, timeout: 60, executable: optimized)
        XCTAssertEqual(again.exitCode, 0, "\(again)")
        XCTAssertTrue(again.outputText.contains("run 'demo' already ended"), "\(again)")
        XCTAssertTrue(again.standardOutput.contains(bestLine), "\(again)")
        XCTAssertTrue(again.standardOutput.contains(reportLine), "\(again)")
    }

    func testDemoInterruptedWithCtrlC_resumesWhenRunAgainAndFinishesWithoutFailedTrials() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let optimized = try optimizedBinary()
        let foreground = try startProcess(
            name: "nasd run", arguments: ["run", demo, "--workers", "3", "--state-dir", state.path],
            executable: optimized)
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

        let resumed = try await nasd(
            ["run", demo, "--workers", "3"], stateDirectory: state, timeout: 120, executable: optimized)
        XCTAssertEqual(resumed.exitCode, 0, "\(resumed)")
        XCTAssertTrue(resumed.outputText.contains("run 'demo' finished"), "\(resumed)")
        let status = try await status(of: "demo", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertGreaterThanOrEqual(status.counts.completed + status.counts.stoppedEarly - status.counts.reused, 100)
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
        let optimized = try optimizedBinary()
        let foreground = try startProcess(
            name: "nasd run", arguments: ["run", demo, "--workers", "3", "--state-dir", state.path],
            executable: optimized)
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
