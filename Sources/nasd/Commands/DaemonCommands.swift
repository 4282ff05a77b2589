import Foundation
import NASDaemon
import NASProtocol
import NASSystem

/// `nasd serve` and `nasd run`.
enum DaemonCommands {
    static var all: [CommandSpec] { [serve, run] }

    static let stateDirectoryOption = OptionSpec.value(
        "state-dir", "DIR", "State directory (default $NASD_STATE_DIR, else ./runs).")

    static let serve = CommandSpec(
        ["serve"], summary: "Run the daemon: host every run in the state directory and serve workers.",
        options: [
            stateDirectoryOption,
            .value("listen", "HOST:PORT", "Where workers connect (default 127.0.0.1:7878)."),
            .value("lease-timeout", "SECONDS", "How long a job stays leased to a silent worker (default 30)."),
            .value(
                "http", "HOST:PORT",
                "Serve the live dashboard and /metrics there (off by default; a non-loopback address needs the key "
                    + "in <state-dir>/dashboard.key)."),
        ] + LogOptions.options,
        discussion: """
            Resumes every unfinished run in the state directory, then serves until 'nasd shutdown', SIGTERM or \
            SIGINT. Workers attach with 'nasd worker --connect HOST:PORT --token-file <state-dir>/token'. The log \
            goes to standard error and to <state-dir>/nasd.log as logfmt lines (time=… level=… msg="…").
            """
    ) { arguments in
        let layout = StateDirectoryLayout.resolve(
            option: arguments.value("state-dir"), environment: ProcessInfo.processInfo.environment)
        let listen: SocketEndpoint
        do {
            listen = try SocketEndpoint(parsing: arguments.value("listen") ?? "127.0.0.1:7878")
        } catch {
            throw UsageError(command: arguments.command, message: "--listen: \(error)")
        }
        let http = try httpEndpoint(arguments)
        try FileManager.default.createDirectory(at: layout.url, withIntermediateDirectories: true)
        let log = DaemonLogger(destination: try LogOptions.destination(arguments, filePath: layout.logPath))
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: layout.url, listen: listen,
                leaseTimeout: try seconds(arguments, "lease-timeout", default: 30), version: NASDCommands.version,
                log: log, http: http))
        Signals.ignoreBrokenPipe()
        try await service.run()
        return ExitStatus.success
    }

    static let run = CommandSpec(
        ["run"], summary: "Run one search in the foreground with local workers; run it again to resume.",
        positionals: ["FILE"],
        options: [
            stateDirectoryOption,
            .value("workers", "N", "Local worker processes to start (default 2)."),
            .flag("restart", "Archive an existing run of this name and start afresh."),
            .value("lease-timeout", "SECONDS", "How long a job stays leased to a silent worker (default 10)."),
            .value(
                "http", "HOST:PORT", "Serve the live dashboard there while the run goes on (as 'nasd serve --http')."),
        ] + LogOptions.options,
        discussion: """
            Starts a daemon for the state directory with N local workers, submits FILE, shows one line of \
            progress, and stops when the run ends. Ctrl-C stops it at once (nothing acknowledged is lost); the \
            same command resumes the run. If FILE changed the search (space, strategy, seed, training), the run \
            is refused with the differences unless --restart is given. The daemon's log goes to \
            <state-dir>/nasd.log (and to standard error with --verbose); the workers' to local-workers.log.
            """
    ) { arguments in
        let file = arguments.positionals[0]
        let (configText, configuration) = try ConfigCommands.loadConfiguration(file)
        let workers = try arguments.integer("workers", default: 2, range: 1...256)
        let layout = StateDirectoryLayout.resolve(
            option: arguments.value("state-dir"), environment: ProcessInfo.processInfo.environment)
        try FileManager.default.createDirectory(at: layout.url, withIntermediateDirectories: true)
        let destination = try LogOptions.destination(arguments, filePath: layout.logPath, toStandardError: false)
        let service = try DaemonService(
            configuration: .init(
                stateDirectory: layout.url, listen: SocketEndpoint(host: "127.0.0.1", port: 0),
                leaseTimeout: try seconds(arguments, "lease-timeout", default: 10), version: NASDCommands.version,
                requeueRunningOnShutdown: true, log: DaemonLogger(destination: destination),
                http: try httpEndpoint(arguments)))
        Signals.ignoreBrokenPipe()
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        return try await ForegroundRun(
            service: service, runName: configuration.name,
            plannedTrials: SearchProgress.plannedTrials(of: configuration),
            vetoesCountTowardPlan: SearchProgress.vetoesCountTowardPlan(of: configuration), workerCount: workers,
            layout: layout
        ).execute(submit: .submit(configText: configText, fileName: absolute, restart: arguments.has("restart")))
    }

    /// The `--http HOST:PORT` endpoint, if given.
    private static func httpEndpoint(_ arguments: ParsedArguments) throws(UsageError) -> SocketEndpoint? {
        guard let text = arguments.value("http") else { return nil }
        do {
            return try SocketEndpoint(parsing: text)
        } catch {
            throw UsageError(command: arguments.command, message: "--http: \(error)")
        }
    }

    private static func seconds(_ arguments: ParsedArguments, _ name: String, default value: Double) throws(UsageError)
        -> Double
    {
        guard let text = arguments.value(name) else { return value }
        guard let number = Double(text), number > 0 else {
            throw UsageError(command: arguments.command, message: "--\(name) expects a positive number of seconds")
        }
        return number
    }
}
