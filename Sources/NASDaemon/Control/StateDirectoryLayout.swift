import Foundation
import NASStore

/// Where the daemon keeps its files: the fixed layout of a state directory.
///
/// ```
/// <state>/control.sock          the control socket (mode 0600)
/// <state>/token                 the workers' shared secret (mode 0600)
/// <state>/nasd.lock             held by the running daemon
/// <state>/nasd.log              the daemon's log
/// <state>/<run>/run.sqlite      one directory per run
/// <state>/<run>/logs/<id>.log   one log per trial
/// ```
///
/// Paths are kept as given (a relative state directory stays relative), so that the control
/// socket's path stays short enough for `sun_path`.
public struct StateDirectoryLayout: Hashable, Sendable {
    /// The environment variable naming the default state directory.
    public static let environmentVariable = "NASD_STATE_DIR"
    /// The state directory used when neither `--state-dir` nor the environment names one.
    public static let defaultPath = "./runs"
    /// The control socket's file name.
    public static let controlSocketName = "control.sock"
    /// The token's file name.
    public static let tokenName = "token"
    /// The daemon lock's file name.
    public static let lockName = "nasd.lock"
    /// The daemon log's file name.
    public static let logName = "nasd.log"
    /// The name of a run directory's folder of trial logs.
    public static let logsFolderName = "logs"

    /// The state directory, as given.
    public var path: String

    /// Wraps a state directory path (a trailing `/` is dropped).
    public init(path: String) {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed.isEmpty ? "." : trimmed
    }

    /// The state directory a command uses: `--state-dir`, else `$NASD_STATE_DIR`, else `./runs`.
    ///
    /// - Parameters:
    ///   - option: The `--state-dir` value, if given.
    ///   - environment: The process environment.
    public static func resolve(option: String?, environment: [String: String]) -> StateDirectoryLayout {
        if let option, !option.isEmpty { return StateDirectoryLayout(path: option) }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return StateDirectoryLayout(path: fromEnvironment)
        }
        return StateDirectoryLayout(path: defaultPath)
    }

    /// The state directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }
    /// `<state>/control.sock`.
    public var controlSocketPath: String { path + "/" + Self.controlSocketName }
    /// `<state>/token`.
    public var tokenPath: String { path + "/" + Self.tokenName }
    /// `<state>/nasd.lock`.
    public var lockPath: String { path + "/" + Self.lockName }

    /// `<state>/nasd.log`: the daemon's operator log (levelled logfmt lines).
    public var logPath: String { path + "/" + Self.logName }

    /// `<state>/<run>`.
    public func runDirectory(named run: String) -> URL {
        url.appendingPathComponent(run, isDirectory: true)
    }

    /// `<state>/<run>/logs/<id>.log`.
    public func logFile(run: String, trial: TrialID) -> URL {
        Self.logFile(runDirectory: runDirectory(named: run), trial: trial)
    }

    /// `<runDirectory>/logs/<id>.log`.
    public static func logFile(runDirectory: URL, trial: TrialID) -> URL {
        runDirectory.appendingPathComponent(logsFolderName, isDirectory: true)
            .appendingPathComponent("\(trial.rawValue).log")
    }

    /// Whether `name` can name a run directory: letters, digits, `.`, `_` and `-`, not starting
    /// with `.`, 1 to 100 characters (the rule `RunConfiguration.name` follows).
    ///
    /// Names from control requests are checked against it before they become paths.
    public static func isValidRunName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 100, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "._-".unicodeScalars.contains(scalar)
        }
    }

    /// The sub-directories that hold a run or what is left of one: a `run.sqlite`, its `-wal`
    /// journal or a `logs` folder (a run whose store was deleted), sorted by name. `status` lists
    /// them all, so a run never vanishes from the list without a word.
    ///
    /// - Returns: The names; empty when the state directory does not exist.
    /// - Throws: The file system's error when the directory exists but cannot be listed.
    public func runDirectoryNames() throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let traces = [RunStore.fileName, RunStore.fileName + "-wal", Self.logsFolderName]
        return try manager.contentsOfDirectory(atPath: path).filter { name in
            let directory = runDirectory(named: name)
            return Self.isValidRunName(name)
                && traces.contains { manager.fileExists(atPath: directory.appendingPathComponent($0).path) }
        }.sorted()
    }

    /// Why a run directory listed by `runDirectoryNames()` has no store, or nil when it has one.
    public func missingStoreMessage(run name: String) -> String? {
        let store = runDirectory(named: name).appendingPathComponent(RunStore.fileName)
        guard !FileManager.default.fileExists(atPath: store.path) else { return nil }
        return "its run store \(store.path) is missing (deleted?); the run's other files are still in "
            + runDirectory(named: name).path
    }

    /// The runs in the state directory: the sub-directories that hold a `run.sqlite`, sorted by name.
    ///
    /// - Returns: The run names; empty when the state directory does not exist.
    /// - Throws: The file system's error when the directory exists but cannot be listed.
    public func runNames() throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        return try manager.contentsOfDirectory(atPath: path).filter { name in
            Self.isValidRunName(name)
                && manager.fileExists(atPath: runDirectory(named: name).appendingPathComponent(RunStore.fileName).path)
        }.sorted()
    }
}
