import Foundation
import NASSystem
import NASWorker

/// `nasd worker`: the process that runs trials for a daemon, on this host's slots and GPUs.
enum WorkerCommand {
    static var all: [CommandSpec] { [worker] }

    static let worker = CommandSpec(
        ["worker"], summary: "Run trials for a daemon: take assignments, train, report every epoch.",
        options: [
            .value("connect", "HOST:PORT", "The daemon's worker endpoint (its --listen address). Required."),
            .value(
                "token-file", "FILE", "The daemon's token file (<state-dir>/token, copied with mode 0600). Required."),
            .value("slots", "N", "Trials run at once (default 1)."),
            .value(
                "gpus", "LIST", "GPU indices to share among the slots, e.g. 0,1,2,3 (CUDA_VISIBLE_DEVICES per slot)."),
            .value("id", "ID", "A stable worker ID (default <hostname>-<pid>)."),
            .value(
                "give-up-after", "SECONDS",
                "Exit with status 1 after this long without reaching the daemon (default: never)."),
            .value("shutdown-grace", "SECONDS", "SIGTERM-to-SIGKILL time for trainers on shutdown (default 10)."),
            .value("log-file", "FILE", "Append the worker's log to FILE as well (logfmt lines)."),
        ] + LogOptions.options,
        discussion: """
            With --gpus, each slot gets its own share of the GPUs (0,1,2,3 over 2 slots: 0,1 and 2,3), or the GPUs
            round-robin when there are fewer GPUs than slots. When the daemon goes away the trainers keep running,
            their reports are buffered, and the worker reconnects and re-attaches them. SIGTERM or SIGINT stops the
            trainers and exits; a second signal exits at once. Exit status 0 after drain or shutdown, 1 when the
            daemon refuses the worker (wrong token, version mismatch) or --give-up-after passes.
            """
    ) { arguments in
        let options = try makeOptions(arguments)
        Signals.ignoreBrokenPipe()
        let destination = try LogOptions.destination(arguments, filePath: arguments.value("log-file"))
        let runtime = try WorkerRuntime(
            options: options, logger: WorkerLogger(workerID: options.workerID, destination: destination))
        let signals = try Signals.stream(of: [SIGTERM, SIGINT])
        let exit = try await withThrowingTaskGroup(of: WorkerRuntime.Exit?.self) { group in
            group.addTask { try await runtime.run() }
            group.addTask {
                var received = 0
                for await signal in signals {
                    received += 1
                    if received == 1 {
                        runtime.logger.info("signal \(signal): stopping trainers and exiting (again to exit at once)")
                        await runtime.shutdown()
                    } else {
                        return nil
                    }
                }
                return nil
            }
            while let result = try await group.next() {
                if let exit = result {
                    group.cancelAll()
                    return exit
                }
                // A second signal: cancel everything, then wait for run() to stop the trainers.
                group.cancelAll()
            }
            return WorkerRuntime.Exit.cancelled
        }
        return exit == .cancelled ? ExitStatus.failure : ExitStatus.success
    }

    /// Builds the runtime's options from the command line.
    static func makeOptions(_ arguments: ParsedArguments) throws -> WorkerRuntime.Options {
        let command = arguments.command
        guard let connect = arguments.value("connect") else {
            throw UsageError(command: command, message: "missing --connect HOST:PORT")
        }
        let endpoint: SocketEndpoint
        do {
            endpoint = try SocketEndpoint(parsing: connect)
        } catch {
            throw UsageError(command: command, message: "--connect: \(error)")
        }
        guard let tokenFile = arguments.value("token-file") else {
            throw UsageError(command: command, message: "missing --token-file FILE")
        }
        let token = try WorkerRuntime.Options.readToken(fromFile: tokenFile)
        let slots = try arguments.integer("slots", default: 1, range: 1...1024)
        var options = WorkerRuntime.Options(
            daemon: endpoint, token: token, slots: slots, gpus: try gpuList(arguments),
            workerVersion: NASDCommands.version)
        if let id = arguments.value("id") {
            guard !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                throw UsageError(command: command, message: "--id must be a non-empty word; found '\(id)'")
            }
            options.workerID = id
        }
        options.giveUpAfter = try seconds(arguments, "give-up-after")
        if let grace = try seconds(arguments, "shutdown-grace") {
            options.shutdownGrace = grace
        }
        return options
    }

    private static func gpuList(_ arguments: ParsedArguments) throws -> [Int] {
        guard let text = arguments.value("gpus"), !text.isEmpty else { return [] }
        var gpus: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces)
            guard let index = Int(word), index >= 0 else {
                throw UsageError(
                    command: arguments.command, message: "--gpus expects indices like 0,1,2; found '\(text)'")
            }
            gpus.append(index)
        }
        return gpus
    }

    private static func seconds(_ arguments: ParsedArguments, _ name: String) throws -> Duration? {
        guard let text = arguments.value(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw UsageError(
                command: arguments.command, message: "--\(name) expects a number of seconds; found '\(text)'")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
