import Foundation
import NASCore
import XCTest

/// Parameter and MAC limits that a search space carries.
final class ArchitectureConstraintsTests: XCTestCase {
    /// `[C(64,3,1), P(2,2), C(128,5,1), P(3,2), FC(256), SM(10)]`: 1,815,178 parameters and
    /// 55,806,464 MACs on CIFAR.
    private func fixture() throws -> ArchitectureAnalysis {
        try Architecture(notation: "[C(64,3,1), P(2,2), C(128,5,1), P(3,2), FC(256), SM(10)]").analyze(input: .cifar)
    }

    func testUnlimited_admitsEverything() throws {
        XCTAssertTrue(ArchitectureConstraints.unlimited.admits(try fixture()))
        XCTAssertNil(ArchitectureConstraints().violation(of: try fixture()))
    }

    func testLimits_areInclusive() throws {
        let exact = ArchitectureConstraints(maxParameters: 1_815_178, maxMACs: 55_806_464)
        XCTAssertTrue(exact.admits(try fixture()))
    }

    func testParameterLimit_rejectsNetworkOverIt_withCountAndLimit() throws {
        let constraints = ArchitectureConstraints(maxParameters: 1_000_000)
        XCTAssertFalse(constraints.admits(try fixture()))
        XCTAssertEqual(constraints.violation(of: try fixture()), .tooManyParameters(count: 1_815_178, limit: 1_000_000))
    }

    func testMACLimit_rejectsNetworkOverIt_withCountAndLimit() throws {
        let constraints = ArchitectureConstraints(maxParameters: 2_000_000, maxMACs: 50_000_000)
        XCTAssertEqual(constraints.violation(of: try fixture()), .tooManyMACs(count: 55_806_464, limit: 50_000_000))
        XCTAssertEqual(
            constraints.violation(of: try fixture())?.description, "55806464 MACs exceed the limit of 50000000")
    }

    func testCheck_throwsViolationOrArchitectureError() throws {
        let constraints = ArchitectureConstraints(maxMACs: 1000)
        XCTAssertThrowsError(try constraints.check(Architecture(notation: "[C(8,3,1), SM(10)]"), input: .cifar)) {
            XCTAssertEqual($0 as? ConstraintViolation, .tooManyMACs(count: 8 * 27 * 1024 + 81920, limit: 1000))
        }
        XCTAssertThrowsError(try constraints.check(Architecture(notation: "[C(8,3,1)]"), input: .cifar)) {
            XCTAssertEqual($0 as? ArchitectureError, .noClassifier)
        }
        let small = try constraints.check(
            Architecture(notation: "[SM(2)]"), input: TensorShape(channels: 1, height: 2, width: 2))
        XCTAssertEqual(small.macs, 8)
    }

    func testConstraints_codeAsJSONWithOptionalFields() throws {
        let decoded = try JSONDecoder().decode(ArchitectureConstraints.self, from: Data(#"{"maxMACs": 1000}"#.utf8))
        XCTAssertEqual(decoded, ArchitectureConstraints(maxMACs: 1000))
        let roundTripped = try JSONDecoder().decode(
            ArchitectureConstraints.self, from: try JSONEncoder().encode(ArchitectureConstraints(maxParameters: 5)))
        XCTAssertEqual(roundTripped, ArchitectureConstraints(maxParameters: 5))
    }
}
