import Foundation
import NASStore

/// The file operations on run directories — opening and creating their stores, archiving,
/// deleting, remembering where a configuration came from — so that `DaemonCore` and the
/// importers share one implementation and the core itself touches no file system.
extension StateDirectoryLayout {
    /// The file in a run directory that remembers where the configuration came from, so relative
    /// paths in it (a replay file, a trainer's working directory) resolve the same after a restart.
    public static let submittedFromName = "submitted-from"
    /// The folder under the state directory that archived runs move to.
    public static let archiveFolderName = "archive"

    /// Whether a run directory holds a store.
    public func hasStore(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(RunStore.fileName).path)
    }

    /// Opens the store of an existing run directory.
    ///
    /// - Throws: `RunStoreError.storeNotFound` when there is none; the store's own errors.
    public func openStore(in directory: URL) throws -> RunStore {
        try RunStore(runDirectory: directory, mode: .mustExist)
    }

    /// Creates a run directory's store (and the directory).
    public func createStore(in directory: URL) throws -> RunStore {
        try RunStore(runDirectory: directory)
    }

    /// The run directories whose store exists, sorted by name.
    ///
    /// - Returns: Empty when the state directory does not exist.
    public func storeDirectories() throws -> [URL] {
        try runNames().map(runDirectory(named:))
    }

    /// Moves a run directory to `<state>/archive/<name>-<unix time>` (with `-1`, `-2`, … when
    /// that exists), as `--restart` and `nasd archive` do.
    ///
    /// - Returns: Where it went.
    @discardableResult
    public func archive(_ directory: URL, name: String, at time: Date) throws -> URL {
        let archive = url.appendingPathComponent(Self.archiveFolderName)
        try FileManager.default.createDirectory(
            at: archive, withIntermediateDirectories: true,
            attributes: [.posixPermissions: RunStore.directoryPermissions])
        let stamp = Int(time.timeIntervalSince1970)
        var destination = archive.appendingPathComponent("\(name)-\(stamp)")
        var suffix = 1
        while FileManager.default.fileExists(atPath: destination.path) {
            destination = archive.appendingPathComponent("\(name)-\(stamp)-\(suffix)")
            suffix += 1
        }
        try FileManager.default.moveItem(at: directory, to: destination)
        return destination
    }

    /// Deletes a run directory and everything in it.
    public func remove(_ directory: URL) throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Remembers the absolute path of the configuration file a run was submitted from.
    public func recordSubmittedFrom(_ path: String, in directory: URL) throws {
        try path.write(to: directory.appendingPathComponent(Self.submittedFromName), atomically: true, encoding: .utf8)
    }

    /// The configuration file a run was submitted from, when it was recorded.
    public func submittedFrom(_ directory: URL) -> URL? {
        (try? String(contentsOf: directory.appendingPathComponent(Self.submittedFromName), encoding: .utf8))
            .map { URL(fileURLWithPath: $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The run directory's copy of its `strategy.predictor_model` file.
    public static let pinnedStrategyModelName = "strategy-model.json"
    /// The run directory's copy of its `prior.model` file.
    public static let pinnedPriorModelName = "prior-model.json"

    /// The run's own copy of a model file it starts from: made from `source` as `name` (after
    /// `check` accepts it) the first time, read from the run directory ever after.
    ///
    /// - Returns: The copy's location.
    public func pinModel(from source: URL, as name: String, in directory: URL, check: () throws -> Void) throws -> URL {
        let pinned = directory.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: pinned.path) {
            try check()
            try Data(contentsOf: source).write(to: pinned, options: .atomic)
        }
        return pinned
    }
}
