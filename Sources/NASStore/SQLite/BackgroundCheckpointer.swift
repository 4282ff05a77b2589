import CSQLite
import Dispatch
import Foundation

/// Checkpoints a WAL database on a queue of its own, through a connection of its own, so that the
/// connection that commits never pays for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that pushes the WAL past its threshold:
/// that commit copies the WAL's pages into the database file and `fsync`s it, milliseconds that
/// the daemon's commit thread — and every acknowledgement and assignment waiting on its batch —
/// spent at regular intervals (the tail of the dispatch latency). With
/// `Database.Configuration.checkpointsInBackground` the committing connection turns the automatic
/// checkpoint off and, after a commit that leaves the WAL at or past the threshold, asks this
/// checkpointer for a `PASSIVE` checkpoint, which never blocks a writer: commits go on appending to
/// the WAL meanwhile, and SQLite starts the WAL over at the first commit after a complete
/// checkpoint. Durability is unchanged: a commit is durable when its WAL frames are synced, as
/// before; a checkpoint only moves them into the database file.
///
/// `@unchecked Sendable`: `isPending` is only touched under `lock`, `connection` only on `queue`.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let path: String
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var isPending = false
    private var connection: Database?
    /// Checkpoints run, and the last failure (the next request retries with a fresh connection).
    private(set) var completed = 0
    private(set) var lastError: (any Error)?

    init(path: String) {
        self.path = path
        self.queue = DispatchQueue(label: "nasd.wal-checkpoint")
    }

    /// Asks for a checkpoint; a request made while one is waiting to run joins it.
    func request() {
        lock.lock()
        defer { lock.unlock() }
        guard !isPending else { return }
        isPending = true
        queue.async { [self] in checkpoint() }
    }

    /// Waits until the checkpoints asked for so far have run (for tests and for closing).
    func drain() {
        queue.sync {}
    }

    private func checkpoint() {
        lock.lock()
        isPending = false
        lock.unlock()
        do {
            if connection == nil {
                connection = try Database(
                    path: path, mode: .mustExist,
                    configuration: Database.Configuration(integrityCheck: .none, walAutoCheckpointPages: 0))
            }
            _ = try connection?.makeStatement("PRAGMA wal_checkpoint(PASSIVE)").firstRow { $0.int(at: 0) }
            lock.lock()
            completed += 1
            lock.unlock()
        } catch {
            lock.lock()
            lastError = error
            lock.unlock()
            connection = nil
        }
    }
}

/// The WAL hook of a connection that checkpoints in the background: after each commit SQLite
/// passes the WAL's size in pages, and at `threshold` or more it asks the checkpointer.
final class WALCheckpointTrigger {
    let threshold: Int
    let checkpointer: BackgroundCheckpointer

    init(threshold: Int, checkpointer: BackgroundCheckpointer) {
        self.threshold = threshold
        self.checkpointer = checkpointer
    }

    /// Installs the hook on `connection`; the trigger must outlive it (the `Database` keeps it).
    func install(on connection: OpaquePointer) {
        let hook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 = {
            context, _, _, pages in
            guard let context else { return SQLITE_OK }
            let trigger = Unmanaged<WALCheckpointTrigger>.fromOpaque(context).takeUnretainedValue()
            if Int(pages) >= trigger.threshold { trigger.checkpointer.request() }
            return SQLITE_OK
        }
        sqlite3_wal_hook(connection, hook, Unmanaged.passUnretained(self).toOpaque())
    }
}
