import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

final class DatabaseTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-db")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func openDatabase(_ name: String = "test.sqlite") throws -> Database {
        let database = try Database(path: directory.appendingPathComponent(name).path)
        try database.execute(sql: "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
        return database
    }

    private func count(_ database: Database) throws -> Int {
        try database.makeStatement("SELECT count(*) FROM items").firstRow { $0.int(at: 0) } ?? -1
    }

    private struct Boom: Error, Equatable {}

    func testOpen_usesWALFullSynchronousAndForeignKeys() throws {
        let database = try openDatabase()
        XCTAssertEqual(try database.makeStatement("PRAGMA journal_mode").firstRow { $0.string(at: 0) }, "wal")
        // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
        XCTAssertEqual(try database.makeStatement("PRAGMA synchronous").firstRow { $0.int(at: 0) }, 2)
        XCTAssertEqual(try database.makeStatement("PRAGMA foreign_keys").firstRow { $0.int(at: 0) }, 1)
    }

    func testOpen_normalSynchronousIsApplied() throws {
        let path = directory.appendingPathComponent("normal.sqlite").path
        let database = try Database(path: path, configuration: .init(synchronous: .normal))
        XCTAssertEqual(try database.makeStatement("PRAGMA synchronous").firstRow { $0.int(at: 0) }, 1)
    }

    func testOpen_mustExistRefusesAMissingFile() throws {
        let path = directory.appendingPathComponent("missing.sqlite").path
        XCTAssertThrowsError(try Database(path: path, mode: .mustExist)) { error in
            XCTAssertEqual((error as? DatabaseError)?.code, 14)  // SQLITE_CANTOPEN
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testBind_roundTripsEveryStorageClass() throws {
        let database = try openDatabase()
        try database.execute(sql: "CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n TEXT, e TEXT, z BLOB)")
        let bytes = Data([0, 1, 2, 255])
        try database.execute(
            "INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)",
            [Int64.max, 0.1, "héllo \"wörld\"\0tail", bytes, String?.none, "", Data()])
        let row = try database.makeStatement("SELECT i, r, t, b, n, e, z FROM v").firstRow { row in
            (
                row.int64(at: 0), row.double(at: 1), row.string(at: 2), row.data(at: 3), row.isNull(at: 4),
                row.optionalString(at: 5), row.data(at: 6), row.isNull(at: 6)
            )
        }
        let values = try XCTUnwrap(row)
        XCTAssertEqual(values.0, Int64.max)
        XCTAssertEqual(values.1, 0.1)
        XCTAssertEqual(values.2, "héllo \"wörld\"\0tail")
        XCTAssertEqual(values.3, bytes)
        XCTAssertTrue(values.4)
        XCTAssertEqual(values.5, "")
        XCTAssertEqual(values.6, Data())
        XCTAssertFalse(values.7, "an empty Data is an empty blob, not NULL")
    }

    func testError_carriesCodesMessageAndSQL() throws {
        let database = try openDatabase()
        try database.execute("INSERT INTO items (id, label) VALUES (?, ?)", [1, "a"])
        XCTAssertThrowsError(try database.execute("INSERT INTO items (id, label) VALUES (?, ?)", [1, "b"])) { error in
            guard let error = error as? DatabaseError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.code, 19)  // SQLITE_CONSTRAINT
            XCTAssertEqual(error.extendedCode, 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            XCTAssertTrue(error.isConstraintViolation)
            XCTAssertTrue(error.message.contains("UNIQUE constraint failed"), error.message)
            XCTAssertEqual(error.sql, "INSERT INTO items (id, label) VALUES (?, ?)")
            XCTAssertTrue(error.description.contains("INSERT INTO items"), error.description)
        }
        XCTAssertThrowsError(try database.makeStatement("SELEC 1")) { error in
            XCTAssertEqual((error as? DatabaseError)?.sql, "SELEC 1")
        }
    }

    func testTransaction_rollsBackEverythingWhenTheBodyThrows() throws {
        let database = try openDatabase()
        XCTAssertThrowsError(
            try database.inTransaction {
                try database.execute("INSERT INTO items (label) VALUES (?)", ["kept?"])
                try database.execute("INSERT INTO items (label) VALUES (?)", ["kept?"])
                throw Boom()
            }
        ) { error in
            XCTAssertEqual(error as? Boom, Boom(), "the body's error is the one reported")
        }
        XCTAssertEqual(try count(database), 0)
        XCTAssertFalse(database.isInTransaction)
    }

    func testTransaction_reportsTheFirstErrorWhenAStatementFails() throws {
        let database = try openDatabase()
        XCTAssertThrowsError(
            try database.inTransaction {
                try database.execute("INSERT INTO items (label) VALUES (?)", ["one"])
                try database.execute("INSERT INTO items (label) VALUES (?)", [String?.none])
            }
        ) { error in
            XCTAssertEqual((error as? DatabaseError)?.extendedCode, 1299)  // SQLITE_CONSTRAINT_NOTNULL
        }
        XCTAssertEqual(try count(database), 0)
    }

    func testTransaction_commitsAndReturnsTheBodysValue() throws {
        let database = try openDatabase()
        let id = try database.inTransaction { () -> Int64 in
            try database.execute("INSERT INTO items (label) VALUES (?)", ["x"])
            return database.lastInsertedRowID
        }
        XCTAssertEqual(id, 1)
        XCTAssertEqual(try count(database), 1)
    }

    func testNestedTransaction_rollsBackOnlyTheInnerSavepoint() throws {
        let database = try openDatabase()
        try database.inTransaction {
            try database.execute("INSERT INTO items (label) VALUES (?)", ["outer"])
            XCTAssertThrowsError(
                try database.inTransaction {
                    try database.execute("INSERT INTO items (label) VALUES (?)", ["inner"])
                    throw Boom()
                })
            try database.execute("INSERT INTO items (label) VALUES (?)", ["outer again"])
        }
        let labels = try database.makeStatement("SELECT label FROM items ORDER BY id").rows { $0.string(at: 0) }
        XCTAssertEqual(labels, ["outer", "outer again"])
    }

    func testCachedStatement_isReusedAndReset() throws {
        let database = try openDatabase()
        let first = try database.cachedStatement("INSERT INTO items (label) VALUES (?)")
        try first.execute(["a"])
        let second = try database.cachedStatement("INSERT INTO items (label) VALUES (?)")
        XCTAssertTrue(first === second)
        try second.execute(["b"])
        XCTAssertEqual(try count(database), 2)
    }

    func testIntegrityCheck_refusesAFileOfGarbage() throws {
        let url = directory.appendingPathComponent("garbage.sqlite")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)
        XCTAssertThrowsError(try Database(path: url.path)) { error in
            guard let error = error as? IntegrityCheckError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.path, url.path)
            XCTAssertTrue(error.description.contains("failed its integrity check"), error.description)
            XCTAssertFalse(error.problems.isEmpty)
        }
    }

    func testIntegrityCheck_refusesACopyWithADamagedPage() throws {
        let original = directory.appendingPathComponent("good.sqlite")
        do {
            let database = try Database(path: original.path)
            try database.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            try database.execute(sql: "CREATE INDEX items_label ON items(label)")
            try database.inTransaction {
                for index in 0..<3_000 {
                    try database.execute(
                        "INSERT INTO items (label) VALUES (?)", [String(repeating: "label \(index) ", count: 4)])
                }
            }
        }  // closing checkpoints the WAL into the main file
        let copy = directory.appendingPathComponent("damaged.sqlite")
        try FileManager.default.copyItem(at: original, to: copy)
        let handle = try FileHandle(forUpdating: copy)
        // Pages 1-2 hold the header and schema; damage the b-tree pages after them.
        try handle.seek(toOffset: 4096 * 4)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 6))
        try handle.close()

        XCTAssertNoThrow(try Database(path: original.path), "the original is intact")
        XCTAssertThrowsError(try Database(path: copy.path)) { error in
            guard let error = error as? IntegrityCheckError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(error.path, copy.path)
            XCTAssertFalse(error.problems.isEmpty)
        }
    }

    func testInterruptCheck_stopsARunningStatementWithSQLITE_INTERRUPT() throws {
        let database = try openDatabase()
        database.setInterruptCheck(every: 100) { true }
        XCTAssertThrowsError(
            try database.makeStatement(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
            ).firstRow { $0.int(at: 0) }
        ) { error in
            XCTAssertTrue((error as? DatabaseError)?.isInterrupted ?? false, "\(error)")
        }
        database.setInterruptCheck(nil)
        XCTAssertEqual(try count(database), 0, "the connection works again once the check is removed")
    }
}
