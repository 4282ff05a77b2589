import NASProtocol
import XCTest

final class SharedSecretTests: XCTestCase {
    func testMatches_onlyIdenticalTokens() {
        XCTAssertTrue(SharedSecret.matches("a1b2c3", expected: "a1b2c3"))
        XCTAssertTrue(SharedSecret.matches("", expected: ""))
        XCTAssertFalse(SharedSecret.matches("a1b2c4", expected: "a1b2c3"))
        XCTAssertFalse(SharedSecret.matches("a1b2c", expected: "a1b2c3"))
        XCTAssertFalse(SharedSecret.matches("a1b2c3\u{0}", expected: "a1b2c3"))
        XCTAssertFalse(SharedSecret.matches("", expected: "a"))
    }
}
