import Foundation
import NASDaemon
import NASProtocol
import NASSystem
import Synchronization

/// `nasd run`: a daemon in this process, local worker processes, one line of live progress.
struct ForegroundRun {
    var service: DaemonService
    var runName: String
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
        let progress = ProgressLine()
        while true {
            try await Task.sleep(for: .milliseconds(500))
            guard case .ok(let payload) = await request(.status(run: runName)),
                let view = try? payload.decode(as: RunStatusView.self)
            else {
                progress.finish()
                writeStandardError("nasd: the daemon stopped before the run ended; run the same command to resume")
                return ExitStatus.failure
            }
            progress.show(Self.describe(view))
            if view.state == .finished || view.state == .failed {
                progress.finish()
                writeStandardOutput("run '\(runName)' \(view.state.rawValue): \(view.finishReason ?? "")")
                try await printSummary()
                return view.state == .finished ? ExitStatus.success : ExitStatus.failure
            }
        }
    }

    private func request(_ request: ControlRequest) async -> ControlResponse {
        await service.control(request)
    }

    private func printSummary() async throws {
        guard case .ok(let payload) = await request(.status(run: runName)),
            let view = try? payload.decode(as: RunStatusView.self)
        else { return }
        writeStandardOutput(Self.describe(view))
        if let best = view.best {
            writeStandardOutput("best: trial \(best.trial), accuracy \(Self.percent(best.accuracy)): \(best.notation)")
        }
    }

    static func describe(_ view: RunStatusView) -> String {
        let counts = view.counts
        var parts = [
            "\(view.name)", "\(counts.completed) done" + (counts.reused > 0 ? " (\(counts.reused) reused)" : ""),
            "\(counts.running) running", "\(counts.queued) queued",
        ]
        if counts.stoppedEarly > 0 { parts.append("\(counts.stoppedEarly) stopped early") }
        if counts.failed > 0 { parts.append("\(counts.failed) failed") }
        parts.append("\(view.epochsSpent) epochs")
        if let best = view.best { parts.append("best \(percent(best.accuracy))") }
        return parts.joined(separator: " · ")
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.2f%%", value * 100)
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

/// One line of progress: rewritten in place on a terminal, printed every few seconds otherwise.
final class ProgressLine: @unchecked Sendable {
    // @unchecked: used from one task at a time (the run's supervising task).
    private let isTerminal = StandardStream.output.isTerminal
    private var lastPrinted = Date.distantPast
    private var lastLine = ""

    func show(_ line: String) {
        if isTerminal {
            StandardStream.output.write("\r\u{1B}[K" + line)
        } else if line != lastLine && Date().timeIntervalSince(lastPrinted) >= 5 {
            writeStandardOutput(line)
            lastPrinted = Date()
        }
        lastLine = line
    }

    func finish() {
        if isTerminal { StandardStream.output.write("\n") }
    }
}
