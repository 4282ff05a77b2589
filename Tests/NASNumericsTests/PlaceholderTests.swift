import XCTest

@testable import NASNumerics

/// Replaced by the module's first real tests.
final class NASNumericsPlaceholderTests: XCTestCase {
    func testModuleBuilds() {
        XCTAssertNotNil(NASNumericsModule.self as Any.Type?)
    }
}
