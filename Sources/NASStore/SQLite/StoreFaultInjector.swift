import CSQLite

/// Makes chosen writes of a connection fail, to test what the daemon does when storage fails.
///
/// Installed on a `Database` (`Database.faultInjector`), it counts every statement that writes
/// (SQLite's `sqlite3_stmt_readonly` is false) and every `COMMIT`, and makes the configured ones
/// throw the configured SQLite error instead of running. With `rollsBack`, it also rolls the open
/// transaction back first, as SQLite itself does after `SQLITE_FULL` or `SQLITE_IOERR`
/// (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction").
///
/// It is the one fault mechanism of the store: the core's durability tests and the reliability
/// suite's chaos tests both use it. A connection belongs to one executor, so the injector is used
/// from that executor only.
public final class StoreFaultInjector {
    /// Which writes fail.
    public enum Schedule: Sendable, Hashable {
        /// Only the n-th write (1-based) fails.
        case once(at: Int)
        /// The n-th write and every later one fail (a disk that stays full).
        case from(Int)
        /// No write fails; writes are only counted.
        case never
    }

    /// What to fail with and which writes.
    public var schedule: Schedule
    /// The SQLite result code thrown (`SQLITE_IOERR` by default; `SQLITE_FULL` for a full disk).
    public var resultCode: Int32
    /// Whether the injected failure also rolls the open transaction back, as SQLite does on its own
    /// after `SQLITE_FULL` and `SQLITE_IOERR`.
    public var rollsBack: Bool
    /// Writes seen so far (failed ones included).
    public private(set) var writes = 0
    /// The SQL of the writes that were made to fail, in order.
    public private(set) var failedWrites: [String] = []

    /// Creates an injector.
    ///
    /// - Parameters:
    ///   - schedule: which writes fail.
    ///   - resultCode: the SQLite error to throw.
    ///   - rollsBack: whether to roll the open transaction back before throwing.
    public init(schedule: Schedule = .never, resultCode: Int32 = SQLITE_IOERR, rollsBack: Bool = false) {
        self.schedule = schedule
        self.resultCode = resultCode
        self.rollsBack = rollsBack
    }

    /// Counts one write and throws when it is scheduled to fail.
    func willWrite(_ sql: String, on connection: OpaquePointer) throws {
        writes += 1
        let fails: Bool
        switch schedule {
        case .once(let n): fails = writes == n
        case .from(let n): fails = writes >= n
        case .never: fails = false
        }
        guard fails else { return }
        failedWrites.append(sql)
        if rollsBack && sqlite3_get_autocommit(connection) == 0 {
            sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
        }
        throw DatabaseError(extendedCode: resultCode, message: "injected fault at write \(writes)", sql: sql)
    }
}

/// The fault injector a connection's statements consult (shared by reference, so an injector
/// installed after statements were cached applies to them too).
final class FaultGate {
    var injector: StoreFaultInjector?
}
