import Foundation
import Glibc
import NASCore
import NASTestSupport
import XCTest

/// Issue 11 §1, fault injection through the real binary: deterministic replay runs under daemon
/// kills, worker kills, a worker stopped past its lease, connections cut mid-frame, daemon restarts
/// and a full disk. With one worker a scenario must end identical to the uninterrupted run; with
/// several, where arrival order legitimately changes an adaptive search, it must keep the
/// invariants (`ChaosTestCase.assertInvariants`). `make chaos` repeats each fault more often
/// (`NASD_CHAOS=full`); docs/RELIABILITY.md lists the scenarios and counts.
final class ChaosTests: ChaosTestCase {
    // MARK: - Daemon killed

    /// Hyperband, one worker through a proxy that records acknowledgements: after every SIGKILL,
    /// before the restart, every acknowledged epoch is in the store; the run ends identical.
    func testDaemonKilledRepeatedly_hyperband_oneWorker_everyAcknowledgedEpochSurvivesAndTheEndIsIdentical()
        async throws
    {
        let directory = try makeTemporaryDirectory()
        let run = try makeReplayRun(
            name: "hyperband",
            strategy: "kind: hyperband\n  max_resource: 9\n  eta: 3\n  iterations: \(Self.scaled(10, full: 15))",
            epochs: 9, in: directory)
        let reference = try await runUninterrupted(run, in: directory.appendingPathComponent("reference"))

        let state = directory.appendingPathComponent("killed")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon 1")
        let proxy = try ChaosProxy(upstreamPort: port)
        defer { proxy.close() }
        let worker = try startWorker(id: "solo", proxy: proxy, daemon: daemon)
        try await submit(run.configuration, to: daemon)
        var generator = SplitMix64(seed: 78)
        var killsMidRun = 0
        for kill in 1...Self.scaled(4, full: 10) {
            try await eventually("the worker to connect to daemon \(kill)", timeout: 30) {
                try await self.workers(of: daemon).contains { $0.id == "solo" } ? true : nil
            }
            // A replay run with no epoch delay is short: kill soon after the worker is back, so that
            // the kills land while it runs (6 iterations and waits up to 0.4 s let a fast machine
            // finish before the second kill).
            try await Task.sleep(for: .seconds(Double.random(in: 0...0.2, using: &generator)))
            let before = try await status(of: run.name, in: state)
            await daemon.process.kill()
            if !before.hasEnded { killsMidRun += 1 }
            let store = try XCTUnwrap(Self.store(of: run.name, in: state))
            try assertAcknowledgedEpochsAreStored(proxy.acknowledgedEpochs, store: store)
            XCTAssertEqual(try StoreQuery(store).rows("PRAGMA integrity_check"), ["ok"], "after kill \(kill)")
            daemon = try await startDaemon(
                stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon \(kill + 1)")
        }
        XCTAssertGreaterThanOrEqual(killsMidRun, 2, "too few kills landed while the run was going")
        note(
            "daemon SIGKILL, Hyperband, 1 worker: \(killsMidRun) kills mid-run, "
                + "\(proxy.acknowledgedEpochs.count) acknowledged epochs checked"
        )
        let interrupted = try await outcome(of: run, in: state)
        XCTAssertFalse(worker.hasExited, "the worker outlived every daemon")
        XCTAssertGreaterThan(proxy.acknowledgedEpochs.count, 0)
        try assertAcknowledgedEpochsAreStored(proxy.acknowledgedEpochs, store: interrupted.store)
        let trained = reference.trials.filter(\.isTrainedCompletion).count
        try assertInvariants(reference, of: run, trained: trained)
        try assertInvariants(interrupted, of: run, trained: trained)
        assertIdentical(interrupted, to: reference)
    }

    /// Regularized evolution, three workers: the daemon SIGKILLed at random moments; the
    /// invariants hold (an adaptive search with several workers is not expected to be identical).
    func testDaemonKilledRepeatedly_evolution_threeWorkers_keepsTheInvariants() async throws {
        let directory = try makeTemporaryDirectory()
        let cycles = Self.scaled(180, full: 480)
        let run = try makeReplayRun(
            name: "evolved", strategy: "kind: evolution\n  population: 20\n  sample_size: 5\n  cycles: \(cycles)",
            in: directory)
        let state = directory.appendingPathComponent("killed")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon 1")
        let workers = try (0..<3).map { try startWorker(id: "w\($0)", daemon: daemon) }
        try await submit(run.configuration, to: daemon)
        var generator = SplitMix64(seed: 79)
        var killsMidRun = 0
        for kill in 1...Self.scaled(3, full: 10) {
            try await eventually("a worker to connect to daemon \(kill)", timeout: 30) {
                try await self.workers(of: daemon).isEmpty ? nil : true
            }
            try await Task.sleep(for: .seconds(Double.random(in: 0...0.4, using: &generator)))
            if try await !status(of: run.name, in: state).hasEnded { killsMidRun += 1 }
            await daemon.process.kill()
            daemon = try await startDaemon(
                stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon \(kill + 1)")
        }
        let outcome = try await outcome(of: run, in: state)
        XCTAssertEqual(workers.filter(\.hasExited).count, 0, "every worker outlived every daemon")
        XCTAssertGreaterThanOrEqual(killsMidRun, 1, "no kill landed while the run was going")
        note("daemon SIGKILL, evolution, 3 workers: \(killsMidRun) kills mid-run")
        try assertInvariants(outcome, of: run, trained: (20 + cycles)...(20 + cycles + 2))
    }

    // MARK: - Workers killed and stopped

    /// Regularized evolution, three workers, SIGKILLed one at a time (with its trainer) and started
    /// again under the same id: their jobs come back after the lease and are counted once.
    func testWorkersKilled_evolution_threeWorkers_keepsTheInvariants() async throws {
        let directory = try makeTemporaryDirectory()
        let cycles = Self.scaled(180, full: 480)
        let run = try makeReplayRun(
            name: "orphans", strategy: "kind: evolution\n  population: 20\n  sample_size: 5\n  cycles: \(cycles)",
            in: directory)
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let daemon = try await startDaemon(stateDirectory: state, leaseTimeout: 1.5)
        var workers = try (0..<3).map { try startWorker(id: "w\($0)", daemon: daemon) }
        try await submit(run.configuration, to: daemon)
        var generator = SplitMix64(seed: 80)
        var killsHoldingJobs = 0
        // Kill until enough kills caught a worker holding a job (a kill of an idle worker proves
        // little), within a bounded number of tries.
        for _ in 1...Self.scaled(12, full: 24) where killsHoldingJobs < Self.scaled(3, full: 8) {
            try await Task.sleep(for: .seconds(Double.random(in: 0.05...0.3, using: &generator)))
            let victim = Int.random(in: 0..<workers.count, using: &generator)
            let view = try await self.workers(of: daemon).first { $0.id == "w\(victim)" }
            if view?.jobs.isEmpty == false { killsHoldingJobs += 1 }
            await workers[victim].kill()
            workers[victim] = try startWorker(id: "w\(victim)", daemon: daemon)
        }
        let outcome = try await outcome(of: run, in: state)
        XCTAssertGreaterThanOrEqual(killsHoldingJobs, 1, "no kill caught a worker holding a job")
        note("worker SIGKILL, evolution, 3 workers: \(killsHoldingJobs) kills of a worker holding a job")
        try assertInvariants(outcome, of: run, trained: (20 + cycles)...(20 + cycles + 2))
    }

    /// Random search, two workers: one is stopped (SIGSTOP, its trainer too) past its lease, its
    /// job goes to the other, and once continued (SIGCONT) its late reports are refused: every
    /// trial is counted once.
    func testWorkerStoppedPastItsLease_lateReportsAreNotCountedTwice() async throws {
        let directory = try makeTemporaryDirectory()
        let trials = Self.scaled(300, full: 600)
        let run = try makeReplayRun(
            name: "stalled", strategy: "kind: random", end: "end:\n  max_trials: \(trials)", in: directory)
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let daemon = try await startDaemon(stateDirectory: state, leaseTimeout: 1)
        let workers = ["a": try startWorker(id: "a", daemon: daemon), "b": try startWorker(id: "b", daemon: daemon)]
        try await submit(run.configuration, to: daemon)
        var stoppedHoldingJobs = 0
        for round in 1...Self.scaled(1, full: 3) {
            let victim = round % 2 == 1 ? "a" : "b"
            guard let process = workers[victim] else { return XCTFail("no worker \(victim)") }
            let held = try await eventually("worker \(victim) to hold a job", timeout: 30) { () -> Int? in
                let jobs = try await self.workers(of: daemon).first { $0.id == victim }?.jobs.count ?? 0
                return jobs > 0 ? jobs : nil
            }
            signalGroup(process, SIGSTOP)
            stoppedHoldingJobs += 1
            // Past the 1 s lease: the job goes to the other worker (the run cannot end without it).
            try await Task.sleep(for: .seconds(2.5))
            signalGroup(process, SIGCONT)
            XCTAssertGreaterThan(held, 0)
            if try await status(of: run.name, in: state).hasEnded { break }
            try await Task.sleep(for: .seconds(0.3))
        }
        let outcome = try await outcome(of: run, in: state)
        XCTAssertGreaterThanOrEqual(stoppedHoldingJobs, 1)
        let expired = try StoreQuery(outcome.store).rows("SELECT count(*) FROM jobs WHERE state = 'expired'")
        XCTAssertNotEqual(expired, ["0"], "no lease ran out while a worker was stopped")
        note(
            "worker SIGSTOP past its lease, random, 2 workers: \(stoppedHoldingJobs) stops, "
                + "\(expired.first ?? "?") leases expired"
        )
        XCTAssertEqual(workers.values.filter(\.hasExited).count, 0)
        try assertInvariants(outcome, of: run, trained: trials)
    }

    // MARK: - Connections cut

    /// MetaQNN, one worker whose connection is cut again and again after a random number of bytes
    /// (inside frames, mostly): every acknowledged epoch is stored and the end is identical.
    func testConnectionsCutMidFrame_metaQNN_oneWorker_endsIdenticalToAnUninterruptedRun() async throws {
        let directory = try makeTemporaryDirectory()
        let run = try makeReplayRun(
            name: "cut",
            strategy: """
                kind: metaqnn
                  epsilon_schedule:
                    - {epsilon: 1.0, models: 100}
                    - {epsilon: 0.5, models: 50}
                    - {epsilon: 0.1, models: 50}
                """, in: directory)
        let reference = try await runUninterrupted(run, in: directory.appendingPathComponent("reference"))

        let state = directory.appendingPathComponent("cut")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let daemon = try await startDaemon(stateDirectory: state, leaseTimeout: 5)
        let cuts = Self.scaled(25, full: 120)
        let proxy = try ChaosProxy(upstreamPort: daemon.port, cutAfter: 200...4000, maximumCuts: cuts, seed: 81)
        defer { proxy.close() }
        _ = try startWorker(id: "solo", proxy: proxy, daemon: daemon)
        try await submit(run.configuration, to: daemon)
        let interrupted = try await outcome(of: run, in: state)

        XCTAssertGreaterThanOrEqual(proxy.cuts.all, cuts / 2, "too few cuts landed before the run ended")
        XCTAssertGreaterThanOrEqual(proxy.cuts.insideFrames, 1, "no cut fell inside a frame")
        note(
            "connections cut, MetaQNN, 1 worker: \(proxy.cuts.all) cuts (\(proxy.cuts.insideFrames) inside a frame), "
                + "\(proxy.acknowledgedEpochs.count) acknowledged epochs checked")
        try assertAcknowledgedEpochsAreStored(proxy.acknowledgedEpochs, store: interrupted.store)
        try assertInvariants(reference, of: run, trained: 200)
        try assertInvariants(interrupted, of: run, trained: 200)
        assertIdentical(interrupted, to: reference)
    }

    // MARK: - Daemon restarted

    /// MetaQNN, three workers of two slots: the daemon is stopped (SIGTERM) and started again while
    /// the workers keep training; they re-attach their jobs and the invariants hold.
    func testDaemonRestartedWhileWorkersTrain_metaQNN_threeWorkers_keepsTheInvariants() async throws {
        let directory = try makeTemporaryDirectory()
        let run = try makeReplayRun(
            name: "restarted",
            strategy: """
                kind: metaqnn
                  epsilon_schedule:
                    - {epsilon: 1.0, models: 150}
                    - {epsilon: 0.5, models: 75}
                    - {epsilon: 0.1, models: 75}
                """, in: directory)
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 5, name: "daemon 1")
        let workers = try (0..<3).map { try startWorker(id: "w\($0)", slots: 2, daemon: daemon) }
        try await submit(run.configuration, to: daemon)
        var generator = SplitMix64(seed: 82)
        for restart in 1...Self.scaled(2, full: 6) {
            try await eventually("the workers to connect to daemon \(restart)", timeout: 30) {
                try await self.workers(of: daemon).count == 3 ? true : nil
            }
            try await Task.sleep(for: .seconds(Double.random(in: 0.1...0.4, using: &generator)))
            Glibc.kill(daemon.process.processID, SIGTERM)
            let exit = await daemon.process.waitForExit(seconds: 20)
            if case .exited(let code)? = exit {
                XCTAssertEqual(code, 0, "daemon \(restart) on SIGTERM")
            } else {
                XCTFail("daemon \(restart) did not exit on SIGTERM: \(String(describing: exit))")
            }
            try await Task.sleep(for: .seconds(0.3))
            daemon = try await startDaemon(
                stateDirectory: state, port: port, leaseTimeout: 5, name: "daemon \(restart + 1)")
        }
        let outcome = try await outcome(of: run, in: state)
        XCTAssertEqual(workers.filter(\.hasExited).count, 0, "every worker outlived every daemon")
        note("daemon SIGTERM restarts, MetaQNN, 3 workers × 2 slots: \(Self.scaled(2, full: 6)) restarts")
        // Three schedule steps, each counted by outcomes, with up to five other slots busy.
        try assertInvariants(outcome, of: run, trained: 300...(300 + 3 * 5))
    }

    // MARK: - Disk full

    /// Random search, one worker, the state directory on a small tmpfs: the disk is filled while the
    /// run goes, the daemon exits non-zero with the store intact and every acknowledged epoch in it;
    /// once space is freed, a restart finishes the run identical to the uninterrupted one.
    func testDiskFilledAndFreed_random_oneWorker_daemonExitsNonZeroAndTheRunEndsIdentical() async throws {
        let directory = try makeTemporaryDirectory()
        let trials = Self.scaled(300, full: 600)
        let run = try makeReplayRun(
            name: "full", strategy: "kind: random", end: "end:\n  max_trials: \(trials)", in: directory)
        let reference = try await runUninterrupted(run, in: directory.appendingPathComponent("reference"))

        let mount = directory.appendingPathComponent("tmpfs")
        let state = try mountSmallTmpfs(at: mount, megabytes: 16).appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        let daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 5, name: "daemon 1")
        let proxy = try ChaosProxy(upstreamPort: port)
        defer { proxy.close() }
        let worker = try startWorker(id: "solo", proxy: proxy, daemon: daemon)
        try await submit(run.configuration, to: daemon)
        try await eventually("some trials to complete", timeout: 60) {
            try await self.status(of: run.name, in: state).counts.completed >= trials / 5 ? true : nil
        }
        let filler = mount.appendingPathComponent("filler")
        let filled = try fillDisk(with: filler)
        let exit = await daemon.process.waitForExit(seconds: 30)
        guard case .exited(let code)? = exit else {
            return XCTFail(
                "the daemon did not exit on a full disk (\(filled) bytes written): \(String(describing: exit))")
        }
        XCTAssertNotEqual(code, 0, "the daemon exits non-zero on a full disk")
        note(
            "disk full, random, 1 worker: exit \(code) after \(filled) filler bytes, "
                + "\(proxy.acknowledgedEpochs.count) acknowledged epochs checked"
        )
        XCTAssertTrue(daemon.process.standardError.contains("could not commit"), daemon.process.standardError)
        let store = try XCTUnwrap(Self.store(of: run.name, in: state))
        try FileManager.default.removeItem(at: filler)
        XCTAssertEqual(try StoreQuery(store).rows("PRAGMA integrity_check"), ["ok"])
        try assertAcknowledgedEpochsAreStored(proxy.acknowledgedEpochs, store: store)

        _ = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 5, name: "daemon 2")
        let resumed = try await outcome(of: run, in: state)
        XCTAssertFalse(worker.hasExited)
        try assertAcknowledgedEpochsAreStored(proxy.acknowledgedEpochs, store: resumed.store)
        try assertInvariants(resumed, of: run, trained: trials)
        assertIdentical(resumed, to: reference)
    }

    // MARK: - Helpers

    /// Prints a scenario's figures (docs/RELIABILITY.md quotes them).
    private func note(_ line: String) {
        print("chaos: \(line)")
    }

    /// Starts `nasd worker` connecting through `proxy` with the daemon's token.
    private func startWorker(id: String, proxy: ChaosProxy, daemon: DaemonInstance) throws -> ManagedProcess {
        try startProcess(
            name: "worker \(id)",
            arguments: [
                "worker", "--connect", "127.0.0.1:\(proxy.port)", "--token-file", daemon.tokenFile, "--slots", "1",
                "--id", id,
            ])
    }

    /// Mounts a tmpfs of `megabytes` at `directory` (root only; the test is skipped elsewhere) and
    /// has it unmounted (lazily, in case a process still holds it) when the test ends.
    private func mountSmallTmpfs(at directory: URL, megabytes: Int) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard getuid() == 0,
            Self.runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", directory.path])
                == 0
        else {
            throw TestEnvironment.skip("cannot mount a tmpfs here (needs root): the full-disk scenario is skipped")
        }
        addTeardownBlock { _ = Self.runTool("/bin/umount", ["-l", directory.path]) }
        return directory
    }

    /// Writes zeros to `file` until the file system is full; returns the bytes written.
    private func fillDisk(with file: URL) throws -> Int {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let descriptor = open(file.path, O_WRONLY)
        guard descriptor >= 0 else { throw EndToEndError.daemonDidNotStart(output: "cannot open \(file.path)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 65536)
        var written = 0
        while true {
            let count = chunk.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return written }
            written += count
        }
    }

    private static func runTool(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
