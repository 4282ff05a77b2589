import Foundation
import NASTestSupport
import XCTest

@testable import NASDaemon

/// τ-b and R² against SciPy's `kendalltau` and scikit-learn's `r2_score` (fixture committed with
/// the script that regenerates it; compared live as well when python3 has both).
final class PredictionAgreementTests: XCTestCase {
    private struct Case: Decodable {
        var predicted: [Double]
        var actual: [Double]
        var kendallTau: Double
        var rSquared: Double

        enum CodingKeys: String, CodingKey {
            case predicted, actual
            case kendallTau = "kendall_tau"
            case rSquared = "r_squared"
        }
    }

    private static let fixtures = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures")

    func testAgreement_matchesTheCommittedSciPyAndScikitLearnValues() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("prediction_agreement.json"))
        try check(try JSONDecoder().decode([Case].self, from: data))
    }

    func testAgreement_matchesSciPyLive_whenPythonHasIt() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.fixtures.appendingPathComponent("prediction_agreement.py").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        do { try process.run() } catch { throw TestEnvironment.skip("python3 is not available: \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestEnvironment.skip(
                "python3 lacks numpy, scipy or scikit-learn; the committed fixture is checked instead")
        }
        try check(try JSONDecoder().decode([Case].self, from: data))
    }

    func testDegenerateInputs_haveNoValue() {
        XCTAssertNil(PredictionAgreement(predicted: [0.5], actual: [0.6]).kendallTau)
        XCTAssertNil(
            PredictionAgreement(predicted: [0.5, 0.5], actual: [0.6, 0.7]).kendallTau, "constant predictions")
        XCTAssertNil(PredictionAgreement(predicted: [0.5, 0.6], actual: [0.7, 0.7]).rSquared, "constant actuals")
        XCTAssertEqual(PredictionAgreement(predicted: [0.1, 0.2], actual: [0.1, 0.2]).rSquared, 1)
    }

    private func check(_ cases: [Case]) throws {
        XCTAssertGreaterThanOrEqual(cases.count, 6)
        for (index, item) in cases.enumerated() {
            let agreement = PredictionAgreement(predicted: item.predicted, actual: item.actual)
            XCTAssertEqual(agreement.count, item.actual.count)
            XCTAssertEqual(try XCTUnwrap(agreement.kendallTau), item.kendallTau, accuracy: 1e-12, "case \(index)")
            XCTAssertEqual(try XCTUnwrap(agreement.rSquared), item.rSquared, accuracy: 1e-12, "case \(index)")
        }
    }
}
