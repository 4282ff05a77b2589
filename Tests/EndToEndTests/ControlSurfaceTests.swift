import Foundation
import NASTestSupport
import XCTest

/// Issue 3 §5 on a live daemon: pause / resume / stop, per-trial logs from an external trainer,
/// export, the offline `--run-dir` view, and archiving a finished run.
final class ControlSurfaceTests: EndToEndTestCase {
    func testPauseResumeStopLogsExportAndArchive_onALiveDaemon() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        _ = try startWorker(id: "w", slots: 1, daemon: daemon)
        let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/trainer-epochs.sh").path
        let configuration = try write(
            """
            name: ctl
            seed: 11
            space: {kind: metaqnn, filters: [16, 32, 64, 128], kernels: [1, 3, 5], max_depth: 8}
            strategy: {kind: random}
            training: {epochs: 3}
            trainer: {command: [sh, \(script)], env: {FAKE_EPOCH_DELAY: "0.1"}}
            end: {max_trials: 200}
            """, to: "ctl.yaml", in: state)
        try await submit(configuration, to: daemon)
        try await eventually("a trial to complete", timeout: 30) {
            try await self.trials(of: "ctl", in: state).contains { $0.isTrainedCompletion } ? true : nil
        }

        // Pause: the running trial finishes, nothing new starts.
        let pause = try await nasd(["pause", "ctl"], stateDirectory: state)
        XCTAssertEqual(pause.exitCode, 0, "\(pause)")
        let paused = try await eventually("the paused run to have nothing running", timeout: 30) {
            () -> RunStatusPayload? in
            let view = try await self.status(of: "ctl", in: state)
            return view.counts.running == 0 ? view : nil
        }
        XCTAssertEqual(paused.state, "paused")
        try await Task.sleep(for: .milliseconds(800))
        let stillPaused = try await status(of: "ctl", in: state)
        XCTAssertEqual(stillPaused.counts.total, paused.counts.total, "no trial started while paused")
        XCTAssertEqual(stillPaused.counts.running, 0)

        // Resume: trials start again.
        let resume = try await nasd(["resume", "ctl"], stateDirectory: state)
        XCTAssertEqual(resume.exitCode, 0, "\(resume)")
        try await eventually("a new trial after resuming", timeout: 30) {
            try await self.status(of: "ctl", in: state).counts.total > paused.counts.total ? true : nil
        }

        // The external trainer's output is in the trial's log.
        let completed = try await trials(of: "ctl", in: state).first { $0.isTrainedCompletion }
        let first = try XCTUnwrap(completed)
        let logs = try await nasd(["logs", "ctl", String(first.id)], stateDirectory: state)
        XCTAssertEqual(logs.exitCode, 0, "\(logs)")
        XCTAssertTrue(logs.outputText.contains("trial=\(first.id) run=ctl"), logs.outputText)

        // Stop: the run ends at once.
        let stop = try await nasd(["stop", "ctl"], stateDirectory: state)
        XCTAssertEqual(stop.exitCode, 0, "\(stop)")
        let stopped = try await status(of: "ctl", in: state)
        XCTAssertEqual(stopped.state, "finished")
        XCTAssertEqual(stopped.finishReason, "stopped by the user")

        // Export writes one curves-file line per trained trial.
        let trained = try await trials(of: "ctl", in: state).filter { $0.reusedFrom == nil && $0.epochsDone > 0 }
        let export = try await nasd(["export", "ctl"], stateDirectory: state)
        XCTAssertEqual(export.exitCode, 0, "\(export)")
        let lines = export.standardOutput.filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, trained.count)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertNotNil(object["arch"] as? String)
            XCTAssertFalse((object["curve"] as? [Double] ?? []).isEmpty)
        }

        // The offline view of the run directory agrees with the daemon.
        let runDirectory = state.appendingPathComponent("ctl").path
        let offline = try await nasd(["status", "ctl", "--run-dir", runDirectory, "--json"], stateDirectory: state)
        XCTAssertEqual(offline.exitCode, 0, "\(offline)")
        let offlineView = try offline.decodeOutput(RunStatusPayload.self)
        XCTAssertEqual(offlineView.counts.total, stopped.counts.total)

        // Archive moves the finished run out of the way.
        let archive = try await nasd(["archive", "ctl"], stateDirectory: state)
        XCTAssertEqual(archive.exitCode, 0, "\(archive)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: runDirectory))
        let archived = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("archive").path)
        XCTAssertEqual(archived.count, 1)
        XCTAssertTrue(archived.first?.hasPrefix("ctl-") ?? false)
    }
}
