import Foundation
import NASTestSupport
import XCTest

/// A fresh clone without `../shared` beside it: tests that need the data skip, naming the file;
/// with `NASD_REQUIRE_SHARED=1` (CI) the same call fails instead. A skip is also logged to
/// `$NASD_SKIP_LOG`, where `make test` counts it.
final class TestEnvironmentTests: XCTestCase {
    func testMissingSharedFile_skipsWithTheReason_unlessSharedDataIsRequired() throws {
        let missing = "no-such-folder/\(UUID().uuidString).csv"
        // This skip is the test's subject, not a skipped test: log it to a file of its own.
        let log = try TestEnvironment.makeTemporaryDirectory(prefix: "skips").appendingPathComponent("skipped.log")
        let suiteLog = ProcessInfo.processInfo.environment["NASD_SKIP_LOG"]
        setenv("NASD_SKIP_LOG", log.path, 1)
        defer {
            if let suiteLog { setenv("NASD_SKIP_LOG", suiteLog, 1) } else { unsetenv("NASD_SKIP_LOG") }
            try? FileManager.default.removeItem(at: log.deletingLastPathComponent())
        }
        do {
            _ = try TestEnvironment.sharedFile(missing)
            XCTFail("a missing shared file was found")
        } catch let skip as XCTSkip {
            XCTAssertFalse(TestEnvironment.isSharedDataRequired)
            XCTAssertTrue("\(skip)".contains(missing), "\(skip)")
            XCTAssertTrue("\(skip)".contains("NASD_SHARED"), "\(skip)")
            let logged = try String(contentsOf: log, encoding: .utf8)
            XCTAssertTrue(logged.hasPrefix("TestEnvironmentTests.swift:"), logged)
            XCTAssertTrue(logged.contains(missing) && logged.hasSuffix("\n"), logged)
            XCTAssertEqual(logged.split(separator: "\n").count, 1, logged)
        } catch let error as TestEnvironmentError {
            XCTAssertTrue(TestEnvironment.isSharedDataRequired, "only CI turns a missing file into a failure")
            XCTAssertTrue(error.description.contains(missing))
        }
    }
}
