import Foundation
import NASConfig
import NASCore
import NASSearch
import NASStore
import NASSystem

/// `nasd import metaqnn-replay`: creates a MetaQNN run whose strategy starts from an original
/// MetaQNN run's replay database (`replay_database.csv` of `bowenbaker/metaqnn`).
///
/// The run is created in the state directory as `nasd run` would create it (same name, store and
/// search identity), with one strategy snapshot holding the imported state: every legal row in the
/// replay memory, the Q-table they replay into, and the ε schedule positioned where the log left
/// off. `nasd run CONFIG` or `nasd serve` then resumes it. The state directory's lock is held
/// while the run is written, so no daemon serves the directory meanwhile.
public enum MetaQNNReplayImport {
    /// What the import did.
    public struct Report: Sendable {
        /// The run's name.
        public var runName: String
        /// The run's directory.
        public var directory: URL
        /// Where an earlier run of that name was archived (`--restart`).
        public var archivedTo: URL?
        /// The database's data rows.
        public var rows: Int
        /// Rows refused before the space was asked (accuracy out of [0, 1], unparsable).
        public var rejected: [MetaQNNReplayDatabase.RejectedRow]
        /// What the strategy imported.
        public var summary: WarmStartSummary
        /// The strategy's ε position afterwards.
        public var epsilon: Double?
        /// Unique networks counted toward the current step, and the step's models.
        public var stepProgress: (counted: Int, models: Int)?
        /// The strategy's phase line.
        public var phase: String
        /// The comparison with `q_values.csv` beside the database, when that file is there.
        public var comparison: QTableComparison?
        /// Why the comparison could not be made, when `q_values.csv` is there but unreadable.
        public var comparisonProblem: String?
    }

    /// Imports `replayFile` into a new run of `configFile`.
    ///
    /// - Parameters:
    ///   - replayFile: the replay database.
    ///   - configFile: the run's configuration; its strategy must be `metaqnn` on a `metaqnn` space.
    ///   - stateDirectory: where runs live.
    ///   - restart: archive an existing run of that name instead of refusing.
    ///   - now: the time used in the archive's name.
    /// - Throws: `ConfigError` for a bad configuration, `MetaQNNImportError` for unusable input,
    ///   `MetaQNNImportConflict` when the run exists or a daemon holds the state directory, store
    ///   and system errors otherwise.
    public static func run(
        replayFile: String, configFile: String, stateDirectory: StateDirectoryLayout, restart: Bool, now: Date
    ) throws -> Report {
        let configText = try read(configFile)
        let configuration = try RunConfiguration(yaml: configText, file: configFile)
        guard case .metaQNN(let options) = configuration.strategy else {
            throw MetaQNNImportError.notMetaQNN(file: configFile, kind: configuration.strategy.kindName)
        }
        guard let space = try SearchSetup.makeSampler(for: configuration.space) as? MetaQNNSpace else {
            throw MetaQNNImportError.notMetaQNNSpace(file: configFile, kind: configuration.space.kindName)
        }
        let directory = stateDirectory.url.appendingPathComponent(configuration.name)
        // Refused before the (long) import; checked again under the lock before writing.
        if !restart && FileManager.default.fileExists(atPath: directory.path) {
            throw MetaQNNImportConflict.runExists(name: configuration.name, directory: directory.path)
        }
        let database: MetaQNNReplayDatabase
        do {
            database = try MetaQNNReplayDatabase(csv: try read(replayFile))
        } catch let error as CSVTableError {
            throw MetaQNNImportError.unreadableDatabase(file: replayFile, reason: error.description)
        }
        var strategy = SearchSetup.makeMetaQNN(space: space, options: options, configuration: configuration)
        let summary = strategy.warmStart(from: database.records)
        var report = Report(
            runName: configuration.name, directory: directory,
            rows: database.rowCount, rejected: database.rejected, summary: summary, epsilon: strategy.schedule.epsilon,
            phase: strategy.phase)
        let schedule = strategy.schedule
        if !schedule.isFinished {
            report.stepProgress = (schedule.counts[schedule.current], schedule.steps[schedule.current].models)
        }
        let qValuesFile = URL(fileURLWithPath: replayFile).deletingLastPathComponent()
            .appendingPathComponent("q_values.csv")
        if FileManager.default.fileExists(atPath: qValuesFile.path) {
            do {
                let original = try MetaQNNOriginalQValues(csv: try read(qValuesFile.path))
                report.comparison = QTableComparison(strategy, space: space, original: original)
            } catch {
                report.comparisonProblem = "\(qValuesFile.path): \(error)"
            }
        }
        report.archivedTo = try createRun(
            configuration: configuration, configText: configText, configFile: configFile,
            snapshot: try strategy.snapshot(), layout: stateDirectory, restart: restart, now: now)
        return report
    }

    private static func createRun(
        configuration: RunConfiguration, configText: String, configFile: String, snapshot: Data,
        layout: StateDirectoryLayout, restart: Bool, now: Date
    ) throws -> URL? {
        try FileManager.default.createDirectory(at: layout.url, withIntermediateDirectories: true)
        let lock: FileLock
        do {
            lock = try FileLock.acquire(path: layout.lockPath)
        } catch let error as FileLockError {
            throw MetaQNNImportConflict.daemonRunning(stateDirectory: layout.path, reason: error.description)
        }
        defer { lock.release() }
        let directory = layout.url.appendingPathComponent(configuration.name)
        var archivedTo: URL?
        if FileManager.default.fileExists(atPath: directory.path) {
            guard restart else {
                throw MetaQNNImportConflict.runExists(name: configuration.name, directory: directory.path)
            }
            archivedTo = try layout.archive(directory, name: configuration.name, at: now)
        }
        let store = try layout.createStore(in: directory)
        _ = try store.createRun(
            NewRun(
                name: configuration.name, configurationText: configText,
                searchIdentity: configuration.searchIdentity))
        _ = try store.saveStrategySnapshot(snapshot)
        // As `submit` does: relative paths in the configuration resolve against its file.
        let absolute = URL(fileURLWithPath: configFile).standardizedFileURL.path
        try layout.recordSubmittedFrom(absolute, in: directory)
        return archivedTo
    }

    private static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MetaQNNImportError.unreadable(file: path, reason: error.localizedDescription)
        }
    }
}

/// Input `nasd import metaqnn-replay` cannot use.
public enum MetaQNNImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The configuration's strategy is not MetaQNN.
    case notMetaQNN(file: String, kind: String)
    /// The configuration's space is not the MetaQNN layer space the log's networks are written in.
    case notMetaQNNSpace(file: String, kind: String)
    /// A file cannot be read.
    case unreadable(file: String, reason: String)
    /// The replay database is not a table with the needed columns.
    case unreadableDatabase(file: String, reason: String)

    public var description: String {
        switch self {
        case .notMetaQNN(let file, let kind):
            return "\(file): strategy.kind is '\(kind)'; importing a MetaQNN replay needs 'metaqnn'"
        case .notMetaQNNSpace(let file, let kind):
            return "\(file): space.kind is '\(kind)'; the log's networks need a 'metaqnn' space"
        case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
        case .unreadableDatabase(let file, let reason): return "\(file): \(reason)"
        }
    }
}

/// Why an import was refused although its input is fine.
public enum MetaQNNImportConflict: Error, Hashable, Sendable, CustomStringConvertible {
    /// A run of that name exists (use `--restart`).
    case runExists(name: String, directory: String)
    /// A daemon holds the state directory.
    case daemonRunning(stateDirectory: String, reason: String)

    public var description: String {
        switch self {
        case .runExists(let name, let directory):
            return "run '\(name)' exists in \(directory); use --restart to archive it and import afresh"
        case .daemonRunning(let directory, let reason):
            return "\(directory) is in use by a daemon (\(reason)); stop it or import into another state directory"
        }
    }
}
