import Foundation
import NASTestSupport
import XCTest

/// A fresh clone without `../shared` beside it: tests that need the data skip, naming the file;
/// with `NASD_REQUIRE_SHARED=1` (CI) the same call fails instead.
final class TestEnvironmentTests: XCTestCase {
    func testMissingSharedFile_skipsWithTheReason_unlessSharedDataIsRequired() throws {
        let missing = "no-such-folder/\(UUID().uuidString).csv"
        do {
            _ = try TestEnvironment.sharedFile(missing)
            XCTFail("a missing shared file was found")
        } catch let skip as XCTSkip {
            XCTAssertFalse(TestEnvironment.isSharedDataRequired)
            XCTAssertTrue("\(skip)".contains(missing), "\(skip)")
            XCTAssertTrue("\(skip)".contains("NASD_SHARED"), "\(skip)")
        } catch let error as TestEnvironmentError {
            XCTAssertTrue(TestEnvironment.isSharedDataRequired, "only CI turns a missing file into a failure")
            XCTAssertTrue(error.description.contains(missing))
        }
    }
}
