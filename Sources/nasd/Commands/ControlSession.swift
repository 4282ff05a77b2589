import Foundation
import NASDaemon
import NASProtocol

/// How control commands reach their answers: the daemon's control socket, or, for the read-only
/// views, a run store on disk when `--run-dir` is given or no daemon is running.
enum ControlSession {
    static let stateDirectoryOption = OptionSpec.value(
        "state-dir", "DIR", "The daemon's state directory (default $NASD_STATE_DIR, else ./runs).")
    static let runDirectoryOption = OptionSpec.value(
        "run-dir", "DIR", "Read this run directory's store directly, without a daemon.")
    static let jsonOption = OptionSpec.flag("json", "Print the daemon's JSON payload instead of text.")

    /// The state directory named by `--state-dir`, `$NASD_STATE_DIR` or the default.
    static func stateDirectory(_ arguments: ParsedArguments) -> StateDirectoryLayout {
        StateDirectoryLayout.resolve(
            option: arguments.value("state-dir"), environment: ProcessInfo.processInfo.environment)
    }

    /// Sends a request that needs the daemon.
    ///
    /// - Returns: The `.ok` payload.
    /// - Throws: `ControlClientError` (no daemon, ...) or `DaemonRefusal` for an `.error` answer.
    static func send(_ request: ControlRequest, _ arguments: ParsedArguments) async throws -> JSONValue {
        try payload(of: try await ControlClient(stateDirectory: stateDirectory(arguments)).send(request))
    }

    /// Sends a read-only request: to `OfflineControl` on `--run-dir`, else to the daemon, else —
    /// when no daemon is running — to `OfflineControl` on the state directory.
    ///
    /// - Returns: The `.ok` payload.
    /// - Throws: `ControlClientError` other than "no daemon", or `DaemonRefusal`.
    static func view(_ request: ControlRequest, _ arguments: ParsedArguments) async throws -> JSONValue {
        if let runDirectory = arguments.value("run-dir") {
            let handler = OfflineControl(runDirectory: URL(fileURLWithPath: runDirectory, isDirectory: true))
            return try payload(of: await handler.handle(request))
        }
        let layout = stateDirectory(arguments)
        do {
            return try payload(of: try await ControlClient(stateDirectory: layout).send(request))
        } catch ControlClientError.daemonNotRunning {
            return try payload(of: await OfflineControl(stateDirectory: layout).handle(request))
        }
    }

    private static func payload(of response: ControlResponse) throws -> JSONValue {
        switch response {
        case .ok(let payload):
            return payload
        case .error(let error) where error.code == .invalidConfig:
            throw InvalidConfigurationRefusal(error: error)
        case .error(let error):
            throw DaemonRefusal(error: error)
        }
    }

    /// The run named on the command line, or the empty name that `OfflineControl` reads as "the
    /// run in --run-dir".
    static func runName(_ arguments: ParsedArguments) throws(UsageError) -> String {
        if let run = arguments.positional(0) { return run }
        if arguments.value("run-dir") != nil { return "" }
        throw UsageError(command: arguments.command, message: "missing argument RUN (or give --run-dir DIR)")
    }

    /// Prints a payload as JSON, or decodes it as `View` and prints `render`'s text.
    static func output<View: Decodable>(
        _ payload: JSONValue, _ arguments: ParsedArguments, as type: View.Type, _ render: (View) -> String
    ) throws {
        if arguments.has("json") {
            try printJSON(payload)
        } else {
            writeStandardOutput(render(try payload.decode(as: type)))
        }
    }
}

/// The daemon answered a request with an error: exit status 1.
struct DaemonRefusal: Error, CustomStringConvertible {
    var error: ControlError
    var description: String { error.message }
}

/// The daemon refused a submitted configuration: exit status 2.
struct InvalidConfigurationRefusal: InvalidInputError, CustomStringConvertible {
    var error: ControlError
    var description: String { error.message }
}
