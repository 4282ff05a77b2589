import CSQLite
import Foundation

/// One SQLite connection, closed when released.
///
/// The connection is opened with `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode: no per-call
/// mutex) because it is used from exactly one serial executor at a time (see `StoreExecutor`);
/// only `interrupt()` may be called from another thread, which SQLite allows. It runs in WAL mode
/// with `foreign_keys=ON`, a busy timeout and the configured `synchronous` level, and runs
/// `PRAGMA integrity_check` when opened. Prepared statements are cached by SQL text.
///
/// See docs/durability.md for what the settings guarantee.
public final class Database {
    /// How hard SQLite works to make a commit durable (`PRAGMA synchronous`).
    ///
    /// https://www.sqlite.org/pragma.html#pragma_synchronous
    public enum SynchronousMode: String, Sendable, CaseIterable {
        /// No fsync at all: a power loss or OS crash can corrupt the database.
        case off = "OFF"
        /// In WAL mode: fsync only at checkpoints. A process crash loses nothing committed; a power
        /// loss can roll back the last transactions (never corrupts).
        case normal = "NORMAL"
        /// In WAL mode: fsync the WAL at every commit. A committed transaction survives power loss.
        case full = "FULL"
        /// Like `full`; its extra directory sync concerns rollback-journal mode, so in WAL mode it
        /// behaves as `full`.
        case extra = "EXTRA"
    }

    /// How thoroughly the file is checked when opened.
    public enum IntegrityCheck: Sendable {
        /// `PRAGMA integrity_check`: every page, index and constraint (O(size of the file)).
        case full
        /// `PRAGMA quick_check`: the b-tree structure, without cross-checking indexes (faster).
        case quick
        /// No check.
        case none
    }

    /// Whether a missing file is created.
    public enum OpenMode: Sendable {
        /// Open the file, creating it when it does not exist.
        case createIfMissing
        /// Open an existing file; fail with `SQLITE_CANTOPEN` when it does not exist.
        case mustExist
    }

    /// The kind of lock a top-level transaction takes when it begins.
    ///
    /// https://www.sqlite.org/lang_transaction.html
    public enum TransactionKind: String, Sendable {
        /// Take locks lazily; a read that later writes can fail with `SQLITE_BUSY`.
        case deferred = "DEFERRED"
        /// Take the write lock at `BEGIN`: the right kind for every transaction that writes.
        case immediate = "IMMEDIATE"
        /// Like `immediate`; in WAL mode the same.
        case exclusive = "EXCLUSIVE"
    }

    /// Connection settings.
    public struct Configuration: Sendable {
        /// `PRAGMA synchronous`; `.full` by default so an acknowledged write survives power loss.
        public var synchronous: SynchronousMode
        /// How long a statement waits for another connection's lock before `SQLITE_BUSY`.
        public var busyTimeoutMilliseconds: Int
        /// The check run at open.
        public var integrityCheck: IntegrityCheck
        /// `PRAGMA wal_autocheckpoint`, in pages (SQLite's default is 1000).
        public var walAutoCheckpointPages: Int
        /// The most memory the connection's page cache may grow to, in KiB (`PRAGMA cache_size=-N`).
        /// SQLite's default (2,000 KiB) holds a few thousand trials' index pages; past that every
        /// random-key index insert or lookup reads its pages back from the file. The cache grows
        /// only as pages are read, so a small store never uses the whole of it.
        public var pageCacheKiB: Int

        /// Creates a configuration; the defaults are the durable ones.
        public init(
            synchronous: SynchronousMode = .full, busyTimeoutMilliseconds: Int = 5_000,
            integrityCheck: IntegrityCheck = .full, walAutoCheckpointPages: Int = 1_000,
            pageCacheKiB: Int = 16_384
        ) {
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.integrityCheck = integrityCheck
            self.walAutoCheckpointPages = walAutoCheckpointPages
            self.pageCacheKiB = pageCacheKiB
        }
    }

    /// The `sqlite3` connection handle.
    private let handle: OpaquePointer
    /// The database file's path.
    public let path: String
    /// The settings it was opened with.
    public let configuration: Configuration
    /// A thread-safe handle that can interrupt this connection from another thread.
    public let interruptHandle: InterruptHandle
    /// Prepared statements by SQL text.
    private var statementCache: [String: Statement] = [:]
    /// How many `inTransaction` calls are open on the stack (0 = none).
    private var transactionDepth = 0
    /// The fault injector every statement of this connection consults.
    private let faultGate = FaultGate()
    /// Keeps the installed interrupt check alive while SQLite holds a pointer to it.
    private var interruptCheck: InterruptCheck?

    /// Opens (or creates) the database at `path`, applies the configuration and checks integrity.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - mode: Whether a missing file is created.
    ///   - configuration: Durability and checking settings.
    /// - Throws: `IntegrityCheckError` when the file is damaged or not a database; `DatabaseError`
    ///   when it cannot be opened or WAL mode cannot be enabled.
    public init(
        path: String, mode: OpenMode = .createIfMissing, configuration: Configuration = Configuration()
    ) throws {
        var connection: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if mode == .createIfMissing { flags |= SQLITE_OPEN_CREATE }
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            // sqlite3_open_v2 allocates a handle even on failure; it must still be closed.
            sqlite3_close_v2(connection)
            throw DatabaseError(extendedCode: code, message: message.map { "\($0): \(path)" })
        }
        self.handle = connection
        self.path = path
        self.configuration = configuration
        self.interruptHandle = InterruptHandle(connection: connection)
        try configure()
    }

    deinit {
        interruptHandle.invalidate()
        sqlite3_progress_handler(handle, 0, nil, nil)
        // Finalize cached statements first; sqlite3_close_v2 defers the close until any statement
        // still held elsewhere is finalized, so the order is never unsafe.
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure() throws {
        sqlite3_busy_timeout(handle, Int32(clamping: configuration.busyTimeoutMilliseconds))
        do {
            try checkIntegrity(configuration.integrityCheck)
            let journalMode = try makeStatement("PRAGMA journal_mode=WAL").firstRow { $0.string(at: 0) }
            guard journalMode?.lowercased() == "wal" else {
                throw DatabaseError(
                    extendedCode: SQLITE_ERROR, message: "could not enable WAL mode (got \(journalMode ?? "nothing"))",
                    sql: "PRAGMA journal_mode=WAL")
            }
        } catch let error as DatabaseError where error.isCorruption {
            throw IntegrityCheckError(path: path, problems: [error.message])
        }
        try execute(sql: "PRAGMA synchronous=\(configuration.synchronous.rawValue)")
        try execute(sql: "PRAGMA foreign_keys=ON")
        try execute(sql: "PRAGMA wal_autocheckpoint=\(configuration.walAutoCheckpointPages)")
        try execute(sql: "PRAGMA cache_size=-\(max(1, configuration.pageCacheKiB))")
    }

    /// Runs `PRAGMA integrity_check` (or `quick_check`) and throws when it does not answer "ok".
    ///
    /// - Throws: `IntegrityCheckError` listing the problems; `DatabaseError` if the check cannot run
    ///   for another reason.
    public func checkIntegrity(_ check: IntegrityCheck = .full) throws {
        let pragma: String
        switch check {
        case .full: pragma = "PRAGMA integrity_check"
        case .quick: pragma = "PRAGMA quick_check"
        case .none: return
        }
        do {
            let lines = try makeStatement(pragma).rows { $0.string(at: 0) }
            guard lines == ["ok"] else { throw IntegrityCheckError(path: path, problems: lines) }
        } catch let error as DatabaseError where error.isCorruption {
            throw IntegrityCheckError(path: path, problems: [error.message])
        }
    }

    // MARK: Statements

    /// Prepares a statement that is not cached; it is finalized when released.
    ///
    /// - Throws: `DatabaseError` when the SQL does not compile.
    public func makeStatement(_ sql: String) throws -> Statement {
        try Statement(connection: handle, sql: sql, persistent: false, faults: faultGate)
    }

    /// A prepared statement for `sql` from the cache, prepared on first use and reset on each use.
    ///
    /// Use it for the SQL that runs on every report or transition: preparing costs more than
    /// running a small insert.
    ///
    /// - Throws: `DatabaseError` when the SQL does not compile.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(connection: handle, sql: sql, persistent: true, faults: faultGate)
        statementCache[sql] = statement
        return statement
    }

    /// Runs one or more `;`-separated statements without arguments (`sqlite3_exec`).
    ///
    /// - Throws: `DatabaseError` naming the SQL on failure.
    public func execute(sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw DatabaseError(extendedCode: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// Runs one statement with arguments through the statement cache.
    ///
    /// - Throws: `DatabaseError` on failure.
    public func execute(_ sql: String, _ arguments: [any DatabaseValueConvertible]) throws {
        try cachedStatement(sql).execute(arguments)
    }

    /// The number of rows changed by the most recent `INSERT`, `UPDATE` or `DELETE`.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful `INSERT`.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on the connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// `PRAGMA user_version`: the schema version recorded in the file header.
    public func userVersion() throws -> Int {
        try makeStatement("PRAGMA user_version").firstRow { $0.int(at: 0) } ?? 0
    }

    /// Sets `PRAGMA user_version`; inside a transaction it commits or rolls back with it.
    public func setUserVersion(_ version: Int) throws {
        try execute(sql: "PRAGMA user_version=\(version)")
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Called inside another `inTransaction`, it runs in a savepoint instead, so that a failing
    /// inner step rolls back only its own changes. When both the body and the rollback fail, the
    /// body's error — the first — is thrown.
    ///
    /// - Parameters:
    ///   - kind: The lock taken at `BEGIN` (ignored for nested calls).
    ///   - body: The work; its return value is returned after `COMMIT` succeeds.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw, or the `DatabaseError` of a failed `BEGIN`/`COMMIT`.
    public func inTransaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try inSavepoint(body) }
        try beginTransaction(kind)
        let result: T
        do {
            result = try body()
        } catch {
            rollBackTransaction()
            throw error
        }
        try commitTransaction()
        return result
    }

    /// Begins a top-level transaction that stays open until `commitTransaction()` or
    /// `rollBackTransaction()`; `inTransaction` calls made meanwhile run as savepoints inside it.
    ///
    /// For work that spans calls (the daemon's group commit keeps one transaction per store open
    /// for a whole batch, and adds stores to the batch as runs are created in it).
    ///
    /// - Throws: `DatabaseError` from `BEGIN`, or `.misuse` when a transaction is already open.
    public func beginTransaction(_ kind: TransactionKind = .immediate) throws {
        guard transactionDepth == 0 else {
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "a transaction is already open", sql: "BEGIN")
        }
        if isInTransaction {
            // A transaction left open by a failed rollback: discard it rather than nest in it.
            try execute(sql: "ROLLBACK")
        }
        try cachedStatement("BEGIN \(kind.rawValue)").execute()
        transactionDepth = 1
    }

    /// Commits the transaction opened by `beginTransaction(_:)`.
    ///
    /// - Throws: `DatabaseError` from `COMMIT` (the transaction is rolled back), or
    ///   `transactionRolledBack` when SQLite had already rolled it back after an earlier failure
    ///   (`SQLITE_FULL`, `SQLITE_IOERR`): then nothing of it is on disk.
    public func commitTransaction() throws {
        defer { transactionDepth = 0 }
        guard isInTransaction else { throw Self.transactionRolledBack(sql: "COMMIT") }
        do {
            try cachedStatement("COMMIT").execute()
        } catch {
            rollBackQuietly("ROLLBACK")
            throw error
        }
    }

    /// Rolls back the transaction opened by `beginTransaction(_:)` (nothing of it is kept).
    public func rollBackTransaction() {
        rollBackQuietly("ROLLBACK")
        transactionDepth = 0
    }

    private func inSavepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "nasd_savepoint_\(transactionDepth)"
        // After SQLite rolled the enclosing transaction back on its own, a SAVEPOINT would start a
        // new transaction in autocommit mode and its RELEASE would commit piecemeal.
        guard isInTransaction else { throw Self.transactionRolledBack(sql: "SAVEPOINT \(name)") }
        try cachedStatement("SAVEPOINT \(name)").execute()
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body()
        } catch {
            rollBackQuietly("ROLLBACK TO \(name)")
            rollBackQuietly("RELEASE \(name)")
            throw error
        }
        guard isInTransaction else { throw Self.transactionRolledBack(sql: "RELEASE \(name)") }
        try cachedStatement("RELEASE \(name)").execute()
        return result
    }

    /// The error for work attempted after SQLite rolled the transaction back by itself.
    private static func transactionRolledBack(sql: String) -> DatabaseError {
        DatabaseError(
            extendedCode: SQLITE_ABORT,
            message: "the transaction was rolled back by SQLite after an earlier failure; nothing of it was kept",
            sql: sql)
    }

    /// Installs (or removes, with nil) a fault injector: tests only.
    public var faultInjector: StoreFaultInjector? {
        get { faultGate.injector }
        set { faultGate.injector = newValue }
    }

    /// Rolls back after a failure, keeping the failure that caused it as the one reported.
    private func rollBackQuietly(_ sql: String) {
        guard isInTransaction else { return }  // SQLite already rolled back (e.g. SQLITE_FULL).
        // The first error wins; a failed rollback is cleaned up by the next inTransaction.
        _ = try? cachedStatement(sql).execute()
    }

    // MARK: Cancellation

    /// Installs a check that SQLite calls every `instructions` virtual-machine steps while a
    /// statement runs; when it returns `true`, the statement fails with `SQLITE_INTERRUPT`.
    ///
    /// Unlike `interrupt()`, whose flag SQLite clears when the next statement starts, the check is
    /// asked for as long as it is installed, so a cancellation that lands between two statements
    /// still stops the next one (`sqlite3_progress_handler`). The check runs on the thread that
    /// steps the statement. Pass `nil` to remove it.
    public func setInterruptCheck(every instructions: Int32 = 1_000, _ check: (() -> Bool)?) {
        guard let check else {
            sqlite3_progress_handler(handle, 0, nil, nil)
            interruptCheck = nil
            return
        }
        let box = InterruptCheck(check)
        interruptCheck = box
        // The box is retained by `interruptCheck` for as long as the handler is installed.
        sqlite3_progress_handler(
            handle, instructions,
            { context in
                guard let context else { return 0 }
                return Unmanaged<InterruptCheck>.fromOpaque(context).takeUnretainedValue().check() ? 1 : 0
            }, Unmanaged.passUnretained(box).toOpaque())
    }

    /// Makes the running statement fail with `SQLITE_INTERRUPT` as soon as possible.
    ///
    /// Safe from any thread; `interruptHandle` is the `Sendable` way to reach it.
    public func interrupt() {
        interruptHandle.interrupt()
    }
}

/// The closure behind `Database.setInterruptCheck(every:_:)`, boxed for SQLite's context pointer.
private final class InterruptCheck {
    let check: () -> Bool

    init(_ check: @escaping () -> Bool) {
        self.check = check
    }
}

/// Interrupts a connection from another thread (`sqlite3_interrupt`).
///
/// `@unchecked Sendable`: the connection pointer is only read under `lock`, and the owning
/// `Database` invalidates it under the same lock before closing the connection, so
/// `sqlite3_interrupt` never runs on a closed connection (which SQLite forbids).
public final class InterruptHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: OpaquePointer?

    init(connection: OpaquePointer) {
        self.connection = connection
    }

    /// Interrupts the connection's running statement; does nothing once the connection is closed.
    public func interrupt() {
        lock.lock()
        defer { lock.unlock() }
        if let connection { sqlite3_interrupt(connection) }
    }

    func invalidate() {
        lock.lock()
        defer { lock.unlock() }
        connection = nil
    }
}
