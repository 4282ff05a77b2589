import CSQLite

/// A failure reported by SQLite, with everything needed to understand it.
///
/// Like GRDB's `DatabaseError`, it carries the primary and extended result codes, SQLite's own
/// message and the SQL that failed, so a log line names the statement rather than just "error 19".
public struct DatabaseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The extended result code (e.g. `SQLITE_CONSTRAINT_PRIMARYKEY`, 1555).
    public var extendedCode: Int32
    /// SQLite's message for the failure (`sqlite3_errmsg`).
    public var message: String
    /// The SQL statement that failed, when there was one.
    public var sql: String?

    /// The primary result code (the low byte of the extended code, e.g. `SQLITE_CONSTRAINT`, 19).
    public var code: Int32 { extendedCode & 0xFF }

    /// Creates an error from a result code, a message and the SQL that failed.
    ///
    /// - Parameters:
    ///   - extendedCode: The extended (or primary) SQLite result code.
    ///   - message: The message; SQLite's generic text for the code when `nil`.
    ///   - sql: The failing statement, if any.
    public init(extendedCode: Int32, message: String? = nil, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message ?? String(cString: sqlite3_errstr(extendedCode))
        self.sql = sql
    }

    /// Whether the failure is `SQLITE_INTERRUPT`: the operation was cancelled with `sqlite3_interrupt`.
    public var isInterrupted: Bool { code == SQLITE_INTERRUPT }

    /// Whether the failure is a constraint violation (`SQLITE_CONSTRAINT`).
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// Whether the file is damaged or is not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
    public var isCorruption: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }

    /// A one-line description: `SQLite error 19 (extended 1555): UNIQUE constraint failed: … — while executing: …`.
    public var description: String {
        var text = "SQLite error \(code)"
        if extendedCode != code { text += " (extended \(extendedCode))" }
        text += ": \(message)"
        if let sql { text += " — while executing: \(sql)" }
        return text
    }
}

/// The integrity check run when a database is opened found a damaged file.
///
/// Raised instead of a bare `DatabaseError` so the daemon can tell an operator "this run's store is
/// corrupt, restore it from a copy" rather than failing later at a random query.
public struct IntegrityCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The database file that failed the check.
    public var path: String
    /// The problems reported by `PRAGMA integrity_check` (or the error that stopped the check).
    public var problems: [String]

    /// Creates an integrity failure for a file.
    public init(path: String, problems: [String]) {
        self.path = path
        self.problems = problems
    }

    /// A description naming the file and the first problems found.
    public var description: String {
        let shown = problems.prefix(5).joined(separator: "; ")
        let more = problems.count > 5 ? " (and \(problems.count - 5) more)" : ""
        return "database \(path) failed its integrity check: \(shown)\(more)"
    }
}

/// Why the versioned migrations could not bring a database up to date.
public enum MigrationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file was written by a newer build that knows schema versions this build does not.
    case databaseIsNewer(path: String, databaseVersion: Int, supportedVersion: Int)
    /// The migration list is malformed: versions must start at 1 and increase by one.
    case invalidMigrationList(String)
    /// A step that rebuilt tables left rows referencing rows that do not exist (nothing was kept).
    case brokenReferences(migration: String, tables: [String])

    /// A message naming both versions, so an operator knows to upgrade `nasd`.
    public var description: String {
        switch self {
        case .databaseIsNewer(let path, let databaseVersion, let supportedVersion):
            return "database \(path) has schema version \(databaseVersion), but this build of nasd supports "
                + "versions up to \(supportedVersion); upgrade nasd to open it"
        case .invalidMigrationList(let reason):
            return "invalid migration list: \(reason)"
        case .brokenReferences(let migration, let tables):
            return "migration '\(migration)' would leave broken references in \(tables.joined(separator: ", "))"
        }
    }
}
