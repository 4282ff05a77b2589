/// One step of a schema's history.
public struct Migration {
    /// The schema version this step produces (the first step produces 1).
    public var version: Int
    /// A short name for logs and errors.
    public var name: String
    /// The step's work, run inside the migration's transaction.
    public var apply: (Database) throws -> Void
    /// Whether the step rebuilds tables that others reference (create, copy, drop, rename): it then
    /// runs with foreign-key enforcement off and checks every reference before committing, as
    /// SQLite's procedure for schema changes requires (a DROP of a referenced table would fail).
    public var rebuildsTables: Bool

    /// Creates a migration step.
    public init(
        version: Int, name: String, rebuildsTables: Bool = false, apply: @escaping (Database) throws -> Void
    ) {
        self.version = version
        self.name = name
        self.rebuildsTables = rebuildsTables
        self.apply = apply
    }
}

/// Brings a database's schema up to date with versioned steps recorded in `PRAGMA user_version`.
///
/// Each pending step runs in its own transaction together with the `user_version` bump, so a crash
/// mid-migration leaves the file at the previous version, never between versions. A database whose
/// version is newer than the last step is refused: this build cannot know what the newer schema means.
public struct DatabaseMigrator {
    /// The steps, in version order.
    public let migrations: [Migration]

    /// Creates a migrator.
    ///
    /// - Throws: `MigrationError.invalidMigrationList` unless versions run 1, 2, 3, … with no gaps.
    public init(migrations: [Migration]) throws {
        for (offset, migration) in migrations.enumerated() where migration.version != offset + 1 {
            throw MigrationError.invalidMigrationList(
                "migration '\(migration.name)' has version \(migration.version), expected \(offset + 1)")
        }
        self.migrations = migrations
    }

    /// The version a fully migrated database has.
    public var latestVersion: Int { migrations.count }

    /// Applies every step newer than the database's version.
    ///
    /// - Returns: The versions applied (empty when the database was up to date).
    /// - Throws: `MigrationError.databaseIsNewer` when the file is from a newer build; the
    ///   `DatabaseError` of a failing step (whose changes are rolled back).
    @discardableResult
    public func migrate(_ database: Database) throws -> [Int] {
        let current = try database.userVersion()
        guard current <= latestVersion else {
            throw MigrationError.databaseIsNewer(
                path: database.path, databaseVersion: current, supportedVersion: latestVersion)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            // `PRAGMA foreign_keys` is a no-op inside a transaction: switch it outside.
            if migration.rebuildsTables { try database.execute(sql: "PRAGMA foreign_keys=OFF") }
            defer { if migration.rebuildsTables { try? database.execute(sql: "PRAGMA foreign_keys=ON") } }
            try database.inTransaction(.immediate) {
                // Re-read inside the write lock: another process may have migrated meanwhile.
                guard try database.userVersion() < migration.version else { return }
                try migration.apply(database)
                if migration.rebuildsTables {
                    let broken = try database.makeStatement("PRAGMA foreign_key_check").rows { $0.string(at: 0) }
                    guard broken.isEmpty else {
                        throw MigrationError.brokenReferences(
                            migration: migration.name, tables: Array(Set(broken)).sorted())
                    }
                }
                try database.setUserVersion(migration.version)
                applied.append(migration.version)
            }
        }
        return applied
    }
}
