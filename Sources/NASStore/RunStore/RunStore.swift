import Foundation

/// The durable record of one run: a SQLite file (`run.sqlite`, WAL mode) in the run's directory.
///
/// Every state transition is one transaction, and every method that writes returns only after its
/// `COMMIT`, so the caller may acknowledge a worker as soon as the call returns (docs/durability.md).
/// Methods compose: calls made inside `inTransaction(_:)` join the outer transaction (as savepoints).
///
/// Not `Sendable`: a `RunStore` belongs to one serial executor. Use `StoreExecutor` from async code,
/// so that no `sqlite3_step` runs on the cooperative thread pool.
public final class RunStore {
    /// The store's file name inside a run directory.
    public static let fileName = "run.sqlite"

    /// The schema version this build writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { (try? RunStoreSchema.makeMigrator().latestVersion) ?? 0 }

    /// The run directory holding the store.
    public let runDirectory: URL
    /// The connection. Exposed for inspection and tests; prefer the store's methods.
    public let database: Database
    /// The source of timestamps.
    let clock: @Sendable () -> Date

    /// The mode of a run directory nasd creates: its owner only (docs/operations.md, "Permissions").
    public static let directoryPermissions = 0o700
    /// The mode of the run store (and so of its -wal and -shm files) and of trial logs.
    public static let filePermissions = 0o600

    /// Opens the store in `runDirectory`, creating directory and file when allowed, and migrates it.
    ///
    /// - Parameters:
    ///   - runDirectory: The run's directory; the store is `<runDirectory>/run.sqlite`.
    ///   - mode: `.createIfMissing` for a new or resumed run; `.mustExist` for read-mostly views.
    ///   - configuration: Durability settings; the default is durable against power loss.
    ///   - clock: The source of timestamps (tests pass a fixed clock).
    /// - Throws: `RunStoreError.storeNotFound`, `IntegrityCheckError`, `MigrationError.databaseIsNewer`,
    ///   or `DatabaseError`.
    public init(
        runDirectory: URL, mode: Database.OpenMode = .createIfMissing,
        configuration: Database.Configuration = Database.Configuration(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let path = runDirectory.appendingPathComponent(Self.fileName).path
        switch mode {
        case .mustExist:
            guard FileManager.default.fileExists(atPath: path) else { throw RunStoreError.storeNotFound(path: path) }
        case .createIfMissing:
            // The store holds the configuration verbatim (a trainer's environment included): only
            // its owner may enter the run directory or read the file. SQLite gives the -wal and
            // -shm files the mode of the database file, so creating it 0600 covers all three.
            try FileManager.default.createDirectory(
                at: runDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: Self.directoryPermissions])
            // When this fails, opening the database below reports why.
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(
                    atPath: path, contents: nil, attributes: [.posixPermissions: Self.filePermissions])
            }
        }
        self.runDirectory = runDirectory
        self.clock = clock
        self.database = try Database(path: path, mode: mode, configuration: configuration)
        try RunStoreSchema.makeMigrator().migrate(database)
    }

    /// Runs `body` as one transaction: the store calls it makes commit together or not at all.
    ///
    /// Use it to make a transition and the strategy snapshot that reflects it atomic.
    ///
    /// - Returns: What `body` returned, after `COMMIT`.
    /// - Throws: What `body` threw (after rolling back), or a `DatabaseError` from `COMMIT`.
    public func inTransaction<T>(_ body: () throws -> T) throws -> T {
        try database.inTransaction(.immediate, body)
    }

    /// Runs `body` as one read transaction: every read in it sees the same committed state,
    /// whatever another connection commits meanwhile (WAL snapshot isolation), and it takes no
    /// write lock, so a view of a live run never holds up the daemon's commits.
    ///
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw, or a `DatabaseError`.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        try database.inTransaction(.deferred, body)
    }

    /// Begins a transaction that stays open across calls until `commitTransaction()` or
    /// `rollBackTransaction()` (the daemon's group commit); store calls made meanwhile join it.
    ///
    /// - Throws: `DatabaseError` from `BEGIN`.
    public func beginTransaction() throws {
        try database.beginTransaction(.immediate)
    }

    /// Commits the transaction opened by `beginTransaction()`.
    ///
    /// - Throws: `DatabaseError` when the commit failed or SQLite had already rolled the
    ///   transaction back: then none of it is on disk.
    public func commitTransaction() throws {
        try database.commitTransaction()
    }

    /// Rolls back the transaction opened by `beginTransaction()`.
    public func rollBackTransaction() {
        database.rollBackTransaction()
    }

    /// The current time in Unix seconds.
    func now() -> Double { clock().timeIntervalSince1970 }

    // MARK: The run row

    /// Creates the run's row (state `active`).
    ///
    /// - Returns: The stored row.
    /// - Throws: `RunStoreError.runAlreadyExists` when the store already holds a run.
    @discardableResult
    public func createRun(_ run: NewRun) throws -> RunRecord {
        try inTransaction {
            if let existing = try self.run() { throw RunStoreError.runAlreadyExists(name: existing.name) }
            let time = now()
            try database.execute(
                """
                INSERT INTO run (id, name, config_text, search_identity, created_at, updated_at, state)
                VALUES (1, ?, ?, ?, ?, ?, 'active')
                """, [run.name, run.configurationText, run.searchIdentity, time, time])
            try appendEvent(kind: "run.created", trialID: nil, detail: EventDetail.make(["name": .text(run.name)]))
            return try requireRun()
        }
    }

    /// The run's row, or `nil` before `createRun`.
    public func run() throws -> RunRecord? {
        try database.cachedStatement(
            """
            SELECT name, config_text, search_identity, created_at, updated_at, state, finish_reason
            FROM run WHERE id = 1
            """
        ).firstRow { row in
            let stateText = row.string(at: 5)
            guard let state = RunState(rawValue: stateText) else {
                throw RunStoreError.corruptValue(table: "run", column: "state", value: stateText)
            }
            return RunRecord(
                name: row.string(at: 0), configurationText: row.string(at: 1), searchIdentity: row.string(at: 2),
                createdAt: Date(timeIntervalSince1970: row.double(at: 3)),
                updatedAt: Date(timeIntervalSince1970: row.double(at: 4)), state: state,
                finishReason: row.optionalString(at: 6))
        }
    }

    /// Sets the run's state (and why it finished or failed), logging a `run.<state>` event.
    ///
    /// - Returns: The updated row.
    /// - Throws: `RunStoreError.runNotCreated` before `createRun`.
    @discardableResult
    public func setRunState(_ state: RunState, finishReason: String? = nil) throws -> RunRecord {
        try inTransaction {
            _ = try requireRun()
            try database.execute(
                "UPDATE run SET state = ?, finish_reason = ?, updated_at = ? WHERE id = 1",
                [state.rawValue, finishReason, now()])
            var detail: [String: DatabaseValue] = [:]
            if let finishReason { detail["reason"] = .text(finishReason) }
            try appendEvent(kind: "run.\(state.rawValue)", trialID: nil, detail: EventDetail.make(detail))
            return try requireRun()
        }
    }

    /// Replaces the stored configuration text (a resume with changes that do not alter the search).
    ///
    /// - Returns: The updated row.
    /// - Throws: `RunStoreError.runNotCreated` before `createRun`.
    @discardableResult
    public func updateRunConfiguration(_ configurationText: String) throws -> RunRecord {
        try inTransaction {
            _ = try requireRun()
            try database.execute(
                "UPDATE run SET config_text = ?, updated_at = ? WHERE id = 1", [configurationText, now()])
            return try requireRun()
        }
    }

    private func requireRun() throws -> RunRecord {
        guard let run = try run() else { throw RunStoreError.runNotCreated(path: database.path) }
        return run
    }
}
