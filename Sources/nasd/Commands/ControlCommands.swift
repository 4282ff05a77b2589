import Foundation
import NASDaemon
import NASProtocol
import NASStore

/// `nasd submit|status|trials|best|logs|pause|resume|stop|delete|archive|workers|drain|shutdown`: the
/// commands that talk to a running daemon over its control socket (docs/cli.md).
enum ControlCommands {
    static var all: [CommandSpec] {
        [
            submit, status, trials, best, logs,
            runAction("pause", "Stop dispatching a run's trials (running ones finish).", ControlRequest.pause),
            runAction("resume", "Resume a paused run.", ControlRequest.resume),
            runAction("stop", "End a run: stop its trials and mark it stopped.", ControlRequest.stop),
            runAction("delete", "Delete a finished run's directory.", ControlRequest.delete),
            runAction("archive", "Archive a finished run's directory.", ControlRequest.archive), workers,
            daemonAction("drain", "Stop dispatching everywhere; trials in flight run to an epoch boundary.", .drain),
            daemonAction("shutdown", "Drain, snapshot every run and stop the daemon (as SIGTERM does).", .shutdown),
        ]
    }

    private static let stateDir = ControlSession.stateDirectoryOption
    private static let runDir = ControlSession.runDirectoryOption
    private static let json = ControlSession.jsonOption
    private static let offlineNote =
        "Without a running daemon (or with --run-dir DIR) the view is read straight from the run store."

    static let submit = CommandSpec(
        ["submit"], summary: "Add a run to the running daemon from a configuration file.", positionals: ["FILE"],
        options: [.flag("restart", "Discard a stored run of that name whose search changed."), stateDir, json],
        discussion: "The file is checked first (as 'nasd config check' does); a run of the same name resumes."
    ) { arguments in
        let path = arguments.positionals[0]
        let text = try ConfigCommands.loadConfiguration(path).text
        let payload = try await ControlSession.send(
            .submit(configText: text, fileName: path, restart: arguments.has("restart")), arguments)
        try printAcknowledgement(payload, arguments)
        return ExitStatus.success
    }

    static let status = CommandSpec(
        ["status"], summary: "List every run, or show one run in detail.", positionals: ["RUN"], required: 0,
        options: [stateDir, runDir, json],
        discussion: "A run's detail shows its strategy and phase, its trials by state, the best so far with its "
            + "architecture, the workers serving it and the epochs spent. " + offlineNote
    ) { arguments in
        let run = arguments.positional(0)
        let payload = try await ControlSession.view(.status(run: run), arguments)
        if arguments.has("json") {
            try printJSON(payload)
        } else if run != nil {
            writeStandardOutput(ControlOutput.runDetail(try payload.decode(as: RunStatusView.self)))
        } else if arguments.value("run-dir") != nil {
            let runs = try payload.decode(as: [RunStatusView].self)
            writeStandardOutput(runs.map(ControlOutput.runDetail).joined(separator: "\n\n"))
        } else {
            writeStandardOutput(ControlOutput.runTable(try payload.decode(as: [RunStatusView].self)))
        }
        return ExitStatus.success
    }

    static let trials = CommandSpec(
        ["trials"], summary: "List a run's trials.", positionals: ["RUN"], required: 0,
        options: [
            .value(
                "state", "S",
                "Only trials in this state: queued, running, completed, stopped_early, vetoed, incomplete, failed, "
                    + "cancelled."),
            .value(
                "sort", "ORDER",
                "id (proposal order, the default), newest (latest first) or accuracy (highest first; trials "
                    + "without one last)."),
            .value("limit", "N", "Only the first N trials of that order."),
            stateDir, runDir, json,
        ],
        discussion: "The accuracy column is the final accuracy, or the best so far for a trial still training. "
            + "Trials are read and printed a page at a time, so the first rows appear at once however long "
            + "the run; pages of a run in progress are read at different moments. " + offlineNote
    ) { arguments in
        let run = try ControlSession.runName(arguments)
        var state: String?
        if let name = arguments.value("state") {
            guard let parsed = RunViews.trialState(named: name) else {
                throw UsageError(
                    command: arguments.command,
                    message: "--state expects "
                        + TrialState.allCases.map(\.rawValue).dropLast().joined(separator: ", ")
                        + " or \(TrialState.allCases.last?.rawValue ?? ""); found '\(name)'")
            }
            state = parsed.rawValue
        }
        var sort: String?
        if let name = arguments.value("sort") {
            guard let order = RunViews.trialOrder(named: name) else {
                throw UsageError(
                    command: arguments.command,
                    message: "--sort expects "
                        + TrialOrder.allCases.map(\.rawValue).dropLast().joined(separator: ", ")
                        + " or \(TrialOrder.allCases.last?.rawValue ?? ""); found '\(name)'")
            }
            sort = order.rawValue
        }
        let limit =
            arguments.value("limit") == nil ? nil : try arguments.integer("limit", default: 0, range: 0...Int.max)
        try await TrialPages(run: run, state: state, sort: sort, limit: limit).print(arguments)
        return ExitStatus.success
    }

    static let best = CommandSpec(
        ["best"], summary: "Show a run's best trials so far.", positionals: ["RUN"], required: 0,
        options: [stateDir, runDir, json],
        discussion: "The best completed trial in detail (architecture, hyperparameters, curve), then the top "
            + "\(RunViews.defaultBestCount). " + offlineNote
    ) { arguments in
        let run = try ControlSession.runName(arguments)
        let payload = try await ControlSession.view(.best(run: run), arguments)
        try ControlSession.output(payload, arguments, as: [TrialView].self) { ControlOutput.best($0, run: run) }
        return ExitStatus.success
    }

    static let logs = CommandSpec(
        ["logs"], summary: "Show a trial's log (its trainer's output).", positionals: ["RUN", "TRIAL"], required: 1,
        options: [.value("tail", "N", "Only the last N lines."), stateDir, runDir, json],
        discussion: "TRIAL is a trial id such as 7. With --run-dir DIR, RUN may be left out. " + offlineNote
    ) { arguments in
        let run: String
        let trialText: String
        if arguments.positionals.count >= 2 {
            run = arguments.positionals[0]
            trialText = arguments.positionals[1]
        } else if arguments.value("run-dir") != nil {
            run = ""
            trialText = arguments.positionals[0]
        } else {
            throw UsageError(command: arguments.command, message: "missing argument TRIAL")
        }
        guard let trial = RunViews.trialID(named: trialText) else {
            throw UsageError(
                command: arguments.command, message: "TRIAL expects a trial id such as 7; found '\(trialText)'")
        }
        let tail = arguments.value("tail") == nil ? nil : try arguments.integer("tail", default: 0, range: 0...Int.max)
        let payload = try await ControlSession.view(.logs(run: run, trial: trial.description, tail: tail), arguments)
        try ControlSession.output(payload, arguments, as: TrialLogView.self, ControlOutput.log)
        return ExitStatus.success
    }

    static let workers = CommandSpec(
        ["workers"], summary: "List the workers connected to the daemon.", options: [stateDir, json]
    ) { arguments in
        let payload = try await ControlSession.send(.workers, arguments)
        try ControlSession.output(payload, arguments, as: [WorkerView].self, ControlOutput.workerTable)
        return ExitStatus.success
    }

    /// A command that asks the daemon to do something to one run.
    private static func runAction(
        _ name: String, _ summary: String, _ request: @escaping @Sendable (String) -> ControlRequest
    ) -> CommandSpec {
        CommandSpec([name], summary: summary, positionals: ["RUN"], options: [stateDir, json]) { arguments in
            let payload = try await ControlSession.send(request(arguments.positionals[0]), arguments)
            try printAcknowledgement(payload, arguments)
            return ExitStatus.success
        }
    }

    /// A command that asks the daemon to do something to itself.
    private static func daemonAction(_ name: String, _ summary: String, _ request: ControlRequest) -> CommandSpec {
        CommandSpec([name], summary: summary, options: [stateDir, json]) { arguments in
            let payload = try await ControlSession.send(request, arguments)
            try printAcknowledgement(payload, arguments)
            return ExitStatus.success
        }
    }

    /// Prints what the daemon did: its message, or the payload as JSON when it sent no message.
    private static func printAcknowledgement(_ payload: JSONValue, _ arguments: ParsedArguments) throws {
        if !arguments.has("json"), let acknowledgement = try? payload.decode(as: ControlAcknowledgement.self) {
            writeStandardOutput(acknowledgement.message)
        } else {
            try printJSON(payload)
        }
    }
}
