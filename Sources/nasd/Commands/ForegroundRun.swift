import Foundation
import NASDaemon
import NASProtocol
import NASStore
import NASSystem
import Synchronization

/// `nasd run`: a daemon in this process, local worker processes, live progress, and a closing
/// summary with the top architectures and the path of the run's report.
struct ForegroundRun {
    var service: DaemonService
    var runName: String
    /// The trials the search will decide on, when known (`SearchProgress.plannedTrials(of:)`).
    var plannedTrials: Int?
    /// Whether vetoed trials count toward `plannedTrials` (`SearchProgress.vetoesCountTowardPlan(of:)`).
    var vetoesCountTowardPlan: Bool
    var workerCount: Int
    var layout: StateDirectoryLayout

    func execute(submit: ControlRequest) async throws -> Int32 {
        try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask {
                try await service.run()
                return nil
            }
            group.addTask {
                let workers = LocalWorkers()
                let status: Int32
                do {
                    status = try await supervise(submit, workers: workers)
                } catch {
                    service.post(.shutdownRequested(reason: "the run's supervisor failed"))
                    await workers.stop()
                    throw error
                }
                service.post(.shutdownRequested(reason: "the run ended"))
                await workers.stop()
                return status
            }
            var status: Int32 = ExitStatus.failure
            while let result = try await group.next() {
                if let result { status = result }
            }
            return status
        }
    }

    /// Submits the run, starts the workers, follows progress, and shuts the daemon down at the end.
    private func supervise(_ submit: ControlRequest, workers: LocalWorkers) async throws -> Int32 {
        switch await request(submit) {
        case .error(let error):
            writeStandardError("nasd: \(error.message)")
            return error.code == .invalidConfig ? ExitStatus.invalidInput : ExitStatus.failure
        case .ok(let payload):
            if payload["action"]?.stringValue == "alreadyFinished" {
                writeStandardOutput(payload["message"]?.stringValue ?? "run '\(runName)' already ended")
                try await printSummary()
                return ExitStatus.success
            }
            writeStandardOutput("run '\(runName)' \(payload["action"]?.stringValue ?? "started") in \(layout.path)")
            if let port = service.httpPort {
                writeStandardOutput(
                    "dashboard: http://\(service.configuration.http?.host ?? "127.0.0.1"):\(port)/runs/\(runName)")
            }
        }
        try workers.start(count: workerCount, port: service.workerPort, tokenPath: layout.tokenPath)
        // Drained while the run goes on; cancelled when this function returns.
        async let _ = workers.recordOutput(to: layout.url.appendingPathComponent("local-workers.log"))
        let display = ProgressDisplay()
        let started = ContinuousClock.now
        var evaluatedAtStart: Int?
        var last: SearchProgress?
        while true {
            try await Task.sleep(for: .milliseconds(500))
            guard case .ok(let payload) = await request(.status(run: runName)),
                let view = try? payload.decode(as: RunStatusView.self)
            else {
                display.detach()
                writeStandardError("nasd: the daemon stopped before the run ended; run the same command to resume")
                return ExitStatus.failure
            }
            let isOver = view.state == .finished || view.state == .failed
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            var progress = SearchProgress(
                status: view, plannedTrials: plannedTrials, elapsedSeconds: elapsed,
                evaluatedAtStart: evaluatedAtStart ?? 0, vetoesCountTowardPlan: vetoesCountTowardPlan)
            // A run that ended has no live phase: its last line says it ended (the phase seen
            // before was stale there); a run between two looks keeps the last one seen.
            if view.phase == LiveRunInfo.notRunningPhase {
                progress.phase = isOver ? view.state.rawValue : (last?.phase ?? progress.phase)
            }
            if evaluatedAtStart == nil {
                evaluatedAtStart = progress.evaluatedTowardPlan
                progress.remainingSeconds = nil
            }
            last = progress
            if isOver {
                display.finish(last)
                writeStandardOutput("run '\(runName)' \(view.state.rawValue): \(view.finishReason ?? "")")
                try await printSummary()
                return view.state == .finished ? ExitStatus.success : ExitStatus.failure
            }
            display.show(progress)
        }
    }

    private func request(_ request: ControlRequest) async -> ControlResponse {
        await service.control(request)
    }

    /// The best trial, the top architectures, the epochs against the same search without pruning,
    /// and the report, written to `<run>/report.html` (as `nasd report` would).
    private func printSummary() async throws {
        guard case .ok(let payload) = await request(.status(run: runName)),
            let view = try? payload.decode(as: RunStatusView.self)
        else { return }
        if let best = view.best {
            writeStandardOutput(
                "best: trial \(best.trial), accuracy \(SearchProgress.percent(best.accuracy)): \(best.notation)")
        }
        let directory = layout.runDirectory(named: runName)
        let data: RunReportData
        do {
            data = try RunReportData.load(from: try RunStore(runDirectory: directory, mode: .mustExist))
        } catch {
            writeStandardError("nasd: could not read the run for its report: \(error)")
            return
        }
        let reportPath = directory.appendingPathComponent("report.html").path
        var written: String? = reportPath
        do {
            let html = ReportDocument(runs: [data], generatedAt: Date()).html()
            try AtomicFile.write(Array(html.utf8), to: reportPath, permissions: 0o644)
        } catch {
            writeStandardError("nasd: could not write the report to \(reportPath): \(error)")
            written = nil
        }
        for line in data.closingSummary(top: 5, reportPath: written) { writeStandardOutput(line) }
    }
}

/// The worker processes `nasd run` starts: this executable as `nasd worker`, each in its own
/// process group, giving up when their daemon has been gone for 30 s (e.g. after a kill -9).
final class LocalWorkers: Sendable {
    private let processes = Mutex<[Subprocess]>([])

    func start(count: Int, port: UInt16, tokenPath: String) throws {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        for index in 1...count {
            let process = try Subprocess.spawn(
                .init(
                    executable: executable,
                    arguments: [
                        "worker", "--connect", "127.0.0.1:\(port)", "--token-file", tokenPath, "--slots", "1",
                        "--id", "local-\(index)", "--give-up-after", "30",
                    ]))
            processes.withLock { $0.append(process) }
        }
    }

    /// Appends the workers' output to a log file until they exit (so nothing piles up in memory).
    func recordOutput(to url: URL) async {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let handle = try? FileHandle(forWritingTo: url) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        await withDiscardingTaskGroup { group in
            for process in processes.withLock({ $0 }) {
                group.addTask {
                    for await line in process.output {
                        handle.write(Data((line.text + "\n").utf8))
                    }
                }
            }
        }
    }

    /// Waits for the workers to leave after the daemon's `shutdown` (SIGTERM, then SIGKILL after 5 s).
    func stop() async {
        for process in processes.withLock({ $0 }) {
            _ = await process.terminate(grace: .seconds(5))
        }
    }
}
