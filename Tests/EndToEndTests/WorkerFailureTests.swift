import Foundation
import Glibc
import NASTestSupport
import XCTest

/// Issue 3 §7, worker death and hung trainers: a job whose worker is killed is requeued after the
/// lease timeout and finished by another worker, counted once; a trainer that stops reporting is
/// failed by the no-progress timeout.
final class WorkerFailureTests: EndToEndTestCase {
    func testWorkerKilledMidTrial_jobIsRequeuedAfterTheLeaseAndFinishedByTheOtherWorkerOnce() async throws {
        let state = try makeTemporaryDirectory()
        // 4 s: a loaded machine (the suite runs two tests at once beside builds) delayed the
        // survivor's reports past a 2 s lease now and then, which cost it an attempt more.
        let daemon = try await startDaemon(stateDirectory: state, leaseTimeout: 4)
        let workers = ["a": try startWorker(id: "a", daemon: daemon), "b": try startWorker(id: "b", daemon: daemon)]
        try await eventually("both workers to connect", timeout: 30) {
            try await Set(self.workers(of: daemon).map(\.id)) == ["a", "b"] ? true : nil
        }
        let configuration = try write(
            """
            name: orphaned
            seed: 3
            space: {kind: metaqnn, filters: [32], kernels: [3], max_depth: 3}
            strategy: {kind: random}
            training: {epochs: 6}
            trainer: {builtin: surrogate, epoch_delay: 0.3s}
            end: {max_trials: 1}
            trial: {max_attempts: 3}
            """, to: "orphaned.yaml", in: state)
        try await submit(configuration, to: daemon)

        // Find the worker running the trial, let it report an epoch, then kill it.
        let (victim, trialID) = try await eventually("the trial to run on a worker", timeout: 30) {
            () -> (String, Int64)? in
            let busy = try await self.workers(of: daemon).first { !$0.jobs.isEmpty }
            guard let busy, let job = busy.jobs.first else { return nil }
            return (busy.id, job.trial)
        }
        try await eventually("an epoch of trial \(trialID) to be recorded", timeout: 30) {
            try await self.trials(of: "orphaned", in: state).first { $0.id == trialID && $0.epochsDone >= 1 }
        }
        let survivor = victim == "a" ? "b" : "a"
        let killedAt = Date()
        await workers[victim]?.kill()

        let status = try await waitForRunToEnd("orphaned", in: state, timeout: 60)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(killedAt), 4, "requeued before the lease ran out")
        XCTAssertEqual(status.state, "finished", status.finishReason ?? "")
        XCTAssertEqual(status.counts.total, 1, "the trial is counted once")
        XCTAssertEqual(status.counts.completed, 1)
        XCTAssertEqual(status.counts.failed, 0)
        let trials = try await trials(of: "orphaned", in: state)
        XCTAssertEqual(trials.count, 1, "one trial row: \(trials)")
        let trial = try XCTUnwrap(trials.first)
        XCTAssertEqual(trial.id, trialID)
        XCTAssertEqual(trial.state, "completed")
        XCTAssertEqual(trial.attempts, 2)
        XCTAssertEqual(trial.worker, survivor)
        XCTAssertEqual(trial.epochsDone, 6)
        XCTAssertNotNil(trial.finalAccuracy)
        XCTAssertEqual(workers[survivor]?.hasExited, false)
    }

    func testTrainerThatHangsWithoutReporting_isFailedByTheNoProgressTimeoutAndTheRunEnds() async throws {
        let state = try makeTemporaryDirectory()
        let pids = state.appendingPathComponent("pids")
        try FileManager.default.createDirectory(at: pids, withIntermediateDirectories: true)
        let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/hang-trainer.sh").path
        let daemon = try await startDaemon(stateDirectory: state)
        _ = try startWorker(id: "patient", slots: 2, daemon: daemon)
        let configuration = try write(
            """
            name: hung
            seed: 5
            space: {kind: metaqnn, filters: [32], kernels: [3], max_depth: 3}
            strategy: {kind: random}
            training: {epochs: 3}
            trainer:
              command: [sh, \(script)]
              env: {HANG_PID_DIR: \(pids.path)}
            end: {max_trials: 2}
            trial: {max_attempts: 1, no_progress_timeout: 2s}
            """, to: "hung.yaml", in: state)
        let submitted = Date()
        try await submit(configuration, to: daemon)
        defer { strayProcessGroups += Self.trainerProcessIDs(in: pids) }

        let status = try await waitForRunToEnd("hung", in: state, timeout: 60)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(submitted), 2, "failed before the timeout")
        XCTAssertEqual(status.state, "finished", status.finishReason ?? "")
        XCTAssertEqual(status.counts.failed, 2)
        XCTAssertEqual(status.counts.completed, 0)
        let trials = try await trials(of: "hung", in: state)
        XCTAssertEqual(trials.count, 2, "\(trials)")
        for trial in trials {
            XCTAssertEqual(trial.state, "failed", "trial \(trial.id)")
            XCTAssertEqual(trial.attempts, 1, "trial \(trial.id)")
            XCTAssertEqual(trial.epochsDone, 0, "trial \(trial.id)")
            let reason = trial.failureReason ?? ""
            XCTAssertTrue(reason.lowercased().contains("no progress"), "trial \(trial.id) failed with '\(reason)'")
        }
        // The trainers really ran, and the worker stopped them when the daemon gave up on them.
        let started = Self.trainerProcessIDs(in: pids)
        XCTAssertEqual(started.count, 2, "hung trainers started")
        try await eventually("the hung trainers to be stopped", timeout: 15) {
            started.allSatisfy { !ProcessScan.isRunning($0) } ? true : nil
        }
    }

    /// The process IDs the hang trainer recorded.
    private static func trainerProcessIDs(in directory: URL) -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.compactMap { name in name.hasPrefix("trainer.") ? pid_t(name.dropFirst(8)) : nil }
    }
}
