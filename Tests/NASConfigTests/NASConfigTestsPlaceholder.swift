import XCTest

// Placeholder so the test target builds; replaced by the module's first real tests.
final class NASConfigTestsPlaceholder: XCTestCase {
    func testTargetBuilds() { XCTAssertEqual(1 + 1, 2) }
}
