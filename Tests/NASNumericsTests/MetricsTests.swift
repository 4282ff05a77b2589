import Foundation
import XCTest

@testable import NASNumerics

/// Kendall τ-b, R² and MSE against SciPy's `kendalltau` and scikit-learn's `r2_score` and
/// `mean_squared_error` (`Fixtures/metrics.json`).
final class MetricsTests: XCTestCase {
    struct Fixture: Decodable {
        var cases: [Case]
    }

    struct Case: Decodable {
        var name: String
        var x: [Double]
        var y: [Double]
        var kendallTauB: Double?
        var r2: Double
        var mse: Double
    }

    private func assertMatches(_ fixture: Fixture, source: String) throws {
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 4)
        for reference in fixture.cases {
            let label = "\(source) \(reference.name)"
            let tau = try KendallTau.tauB(reference.x, reference.y)
            if let expected = reference.kendallTauB {
                XCTAssertEqual(try XCTUnwrap(tau, label), expected, accuracy: 1e-12, label)
            } else {
                XCTAssertNil(tau, label)
            }
            // scikit-learn's argument order is (y_true, y_pred): x holds the targets.
            let r2 = try RegressionMetrics.coefficientOfDetermination(predictions: reference.y, targets: reference.x)
            XCTAssertEqual(try XCTUnwrap(r2, label), reference.r2, accuracy: 1e-9, label)
            XCTAssertEqual(
                try RegressionMetrics.meanSquaredError(predictions: reference.y, targets: reference.x), reference.mse,
                accuracy: 1e-9, label)
        }
    }

    func testMetrics_matchSciPyAndScikitLearn_onCommittedFixtures() throws {
        try assertMatches(try ReferenceFixtures.committed("metrics.json", as: Fixture.self), source: "committed")
    }

    func testMetrics_matchSciPyAndScikitLearn_whenRegeneratedLive() throws {
        try assertMatches(try ReferenceFixtures.live("metrics.json", as: Fixture.self), source: "live")
    }

    /// τ-b by its definition, pair by pair: the O(n log n) count must agree on tie-heavy data.
    func testKendallTau_agreesWithTheQuadraticDefinition() throws {
        var generator = TestGenerator(seed: 42)
        for size in [2, 3, 10, 57] {
            let x = (0..<size).map { _ in Double(generator.next() % 5) }
            let y = (0..<size).map { _ in Double(generator.next() % 4) }
            var concordant = 0
            var discordant = 0
            var tiedX = 0
            var tiedY = 0
            for i in 0..<size {
                for j in (i + 1)..<size {
                    let product = (x[i] - x[j]) * (y[i] - y[j])
                    if product > 0 { concordant += 1 } else if product < 0 { discordant += 1 }
                    if x[i] == x[j] { tiedX += 1 }
                    if y[i] == y[j] { tiedY += 1 }
                }
            }
            let pairs = size * (size - 1) / 2
            let denominator = (Double(pairs - tiedX) * Double(pairs - tiedY)).squareRoot()
            let tau = try KendallTau.tauB(x, y)
            if denominator == 0 {
                XCTAssertNil(tau)
            } else {
                XCTAssertEqual(try XCTUnwrap(tau), Double(concordant - discordant) / denominator, accuracy: 1e-12)
            }
        }
    }

    func testMetrics_rejectBadInput() {
        XCTAssertThrowsError(try KendallTau.tauB([1, 2], [1])) { error in
            XCTAssertEqual(error as? MetricError, .lengthMismatch(first: 2, second: 1))
        }
        XCTAssertThrowsError(try KendallTau.tauB([1], [1])) { error in
            XCTAssertEqual(error as? MetricError, .tooFewValues(count: 1, minimum: 2))
        }
        XCTAssertThrowsError(try RegressionMetrics.meanSquaredError(predictions: [.nan], targets: [1])) { error in
            XCTAssertEqual(error as? MetricError, .nonFinite(list: "predictions", index: 0))
        }
        XCTAssertThrowsError(try RegressionMetrics.meanSquaredError(predictions: [], targets: []))
    }

    func testRSquared_isUndefined_forConstantTargets() throws {
        XCTAssertNil(try RegressionMetrics.coefficientOfDetermination(predictions: [1, 2], targets: [3, 3]))
    }
}
