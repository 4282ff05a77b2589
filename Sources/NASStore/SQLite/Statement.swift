import CSQLite
import Foundation

/// SQLite's `SQLITE_TRANSIENT`: tells `sqlite3_bind_*` to copy the bytes before the call returns.
///
/// The C macro is `((sqlite3_destructor_type)-1)`, which Swift cannot import.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared SQL statement, finalized when released.
///
/// Owns one `sqlite3_stmt`. Arguments are bound by 1-based index, as in SQLite; column readers
/// take 0-based indexes, also as in SQLite. A statement belongs to the connection that prepared
/// it and is used only on that connection's serial executor.
public final class Statement {
    /// The `sqlite3_stmt` handle.
    private let handle: OpaquePointer
    /// The connection handle, for error messages.
    private let connection: OpaquePointer
    /// The statement's SQL text.
    public let sql: String
    /// Whether the statement writes (or commits), for fault injection.
    private let isWrite: Bool
    /// The connection's fault injector, if one is installed.
    private let faults: FaultGate

    /// Prepares `sql` on `connection`.
    ///
    /// - Throws: `DatabaseError` when the SQL does not compile, or is empty.
    init(connection: OpaquePointer, sql: String, persistent: Bool, faults: FaultGate) throws {
        var statement: OpaquePointer?
        // SQLITE_PREPARE_PERSISTENT hints that the statement will be reused many times (cached).
        let flags: UInt32 = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(connection, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            let message = code == SQLITE_OK ? "empty statement" : String(cString: sqlite3_errmsg(connection))
            throw DatabaseError(extendedCode: code == SQLITE_OK ? SQLITE_MISUSE : code, message: message, sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
        self.isWrite = sqlite3_stmt_readonly(statement) == 0 || sql == "COMMIT"
        self.faults = faults
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    /// Binds one argument.
    ///
    /// - Parameters:
    ///   - value: The value to bind; `nil`/`.null` binds `NULL`.
    ///   - index: The 1-based parameter index.
    /// - Throws: `DatabaseError` when the index is out of range.
    public func bind(_ value: some DatabaseValueConvertible, at index: Int) throws {
        try bind(value: value.databaseValue, at: Int32(index))
    }

    /// Resets the statement, clears old bindings and binds `arguments` to parameters 1…n.
    ///
    /// - Throws: `DatabaseError` when there are more arguments than parameters.
    public func bind(_ arguments: [any DatabaseValueConvertible]) throws {
        reset()
        for (offset, argument) in arguments.enumerated() {
            try bind(value: argument.databaseValue, at: Int32(offset + 1))
        }
    }

    private func bind(value: DatabaseValue, at index: Int32) throws {
        let code: Int32
        switch value {
        case .null:
            code = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            code = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            code = sqlite3_bind_double(handle, index, real)
        case .text(let text):
            code = text.withCString { pointer in
                sqlite3_bind_text(handle, index, pointer, Int32(text.utf8.count), transientDestructor)
            }
        case .blob(let data):
            if data.isEmpty {
                code = sqlite3_bind_zeroblob(handle, index, 0)
            } else {
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transientDestructor)
                }
            }
        }
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// Resets the statement so it can run again, and clears its bindings.
    public func reset() {
        // sqlite3_reset repeats the last step's error, which that step already reported.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Stepping

    /// Advances to the next row.
    ///
    /// - Returns: `true` when a row is available to read, `false` when the statement is done.
    /// - Throws: `DatabaseError` on failure (constraint violation, `SQLITE_BUSY`, interruption, …).
    @discardableResult
    public func step() throws -> Bool {
        if isWrite, let injector = faults.injector {
            try injector.willWrite(sql, on: connection)
        }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let failure = error(code)
            sqlite3_reset(handle)
            throw failure
        }
    }

    /// Runs the statement to completion, discarding rows, then resets it.
    ///
    /// - Throws: `DatabaseError` on failure.
    public func execute() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Binds `arguments`, runs the statement to completion and resets it.
    ///
    /// - Throws: `DatabaseError` on failure.
    public func execute(_ arguments: [any DatabaseValueConvertible]) throws {
        try bind(arguments)
        try execute()
    }

    /// Binds `arguments` and collects every row with `makeRow`.
    ///
    /// - Returns: The rows, in order.
    /// - Throws: `DatabaseError` on failure, or whatever `makeRow` throws.
    public func rows<Row>(
        _ arguments: [any DatabaseValueConvertible] = [], _ makeRow: (Statement) throws -> Row
    ) throws -> [Row] {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        var rows: [Row] = []
        while try step() {
            rows.append(try makeRow(self))
        }
        return rows
    }

    /// Binds `arguments` and reads the first row with `makeRow`, if there is one.
    ///
    /// - Returns: The first row, or `nil` when the query returns no rows.
    /// - Throws: `DatabaseError` on failure, or whatever `makeRow` throws.
    public func firstRow<Row>(
        _ arguments: [any DatabaseValueConvertible] = [], _ makeRow: (Statement) throws -> Row
    ) throws -> Row? {
        try bind(arguments)
        defer { sqlite3_reset(handle) }
        guard try step() else { return nil }
        return try makeRow(self)
    }

    // MARK: Reading columns

    /// The number of columns in the result.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// Whether column `index` (0-based) of the current row is `NULL`.
    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    /// Column `index` (0-based) as an `Int64` (0 for `NULL`).
    public func int64(at index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    /// Column `index` (0-based) as an `Int` (0 for `NULL`).
    public func int(at index: Int) -> Int {
        Int(sqlite3_column_int64(handle, Int32(index)))
    }

    /// Column `index` (0-based) as a `Double` (0 for `NULL`).
    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// Column `index` (0-based) as a `String` (empty for `NULL`).
    public func string(at index: Int) -> String {
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` (0-based) as `Data` (empty for `NULL`).
    public func data(at index: Int) -> Data {
        guard let bytes = sqlite3_column_blob(handle, Int32(index)) else { return Data() }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return Data(bytes: bytes, count: count)
    }

    /// Column `index` (0-based) as an `Int`, or `nil` for `NULL`.
    public func optionalInt(at index: Int) -> Int? {
        isNull(at: index) ? nil : int(at: index)
    }

    /// Column `index` (0-based) as an `Int64`, or `nil` for `NULL`.
    public func optionalInt64(at index: Int) -> Int64? {
        isNull(at: index) ? nil : int64(at: index)
    }

    /// Column `index` (0-based) as a `Double`, or `nil` for `NULL`.
    public func optionalDouble(at index: Int) -> Double? {
        isNull(at: index) ? nil : double(at: index)
    }

    /// Column `index` (0-based) as a `String`, or `nil` for `NULL`.
    public func optionalString(at index: Int) -> String? {
        isNull(at: index) ? nil : string(at: index)
    }

    private func error(_ code: Int32) -> DatabaseError {
        // The connection is opened with SQLITE_OPEN_EXRESCODE, so `code` is already the extended code.
        DatabaseError(extendedCode: code, message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
