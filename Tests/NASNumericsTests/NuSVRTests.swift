import Foundation
import XCTest

@testable import NASNumerics

/// ν-SVR against scikit-learn's `NuSVR` on the fixed data sets of `Fixtures/nusvr.json`.
final class NuSVRTests: XCTestCase {
    struct Fixture: Decodable {
        var cases: [Case]
    }

    struct Case: Decodable {
        var name: String
        var kernel: String
        var gamma: Double?
        var c: Double
        var nu: Double
        var tolerance: Double
        var standardized: Bool
        var cacheRows: Int?
        var xTrain: [[Double]]
        var yTrain: [Double]
        var xTest: [[Double]]
        var predictions: [Double]
        var intercept: Double
        var supportCount: Int
        var iterations: Int

        func configuration(shrinking: Bool = true) -> NuSVR {
            let kernel: SVMKernel = kernel == "linear" ? .linear : .rbf(gamma: gamma ?? 0)
            let cacheBytes = cacheRows.map { $0 * xTrain.count * MemoryLayout<Double>.stride } ?? (100 << 20)
            return NuSVR(
                c: c, nu: nu, kernel: kernel, featureScaling: standardized ? .standardized : .none,
                tolerance: tolerance, isShrinking: shrinking, cacheBytes: cacheBytes)
        }

        func fit(shrinking: Bool = true) throws -> NuSVRModel {
            try configuration(shrinking: shrinking).fit(features: try Matrix(rows: xTrain), targets: yTrain)
        }
    }

    /// scikit-learn's predictions and ours agree within 1e-3 (issue 8 §1) on every data set.
    private func assertMatches(_ fixture: Fixture, source: String) throws {
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 5)
        for reference in fixture.cases {
            let model = try reference.fit()
            XCTAssertTrue(model.converged, reference.name)
            let predictions = model.predict(try Matrix(rows: reference.xTest))
            let worst = zip(predictions, reference.predictions).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-3, "\(source) \(reference.name): largest prediction difference")
            XCTAssertEqual(model.intercept, reference.intercept, accuracy: 1e-3, "\(source) \(reference.name)")
            assertSatisfiesTheNuConstraints(model, reference)
            print(
                "\(source) \(reference.name): largest difference \(worst); \(model.iterations) SMO iterations "
                    + "(scikit-learn \(reference.iterations)), \(model.coefficients.count) support vectors "
                    + "(\(reference.supportCount))")
        }
    }

    /// The dual's constraints hold: Σ(α⁺ − α⁻) = 0, |coef| ≤ C and Σ|coef| ≤ C·ν·n (each half
    /// sums to C·ν·n/2).
    private func assertSatisfiesTheNuConstraints(_ model: NuSVRModel, _ reference: Case) {
        let n = Double(reference.yTrain.count)
        XCTAssertEqual(model.coefficients.reduce(0, +), 0, accuracy: 1e-9 * max(1, reference.c * n), reference.name)
        let absoluteSum = model.coefficients.map(abs).reduce(0, +)
        XCTAssertLessThanOrEqual(absoluteSum, reference.c * reference.nu * n * (1 + 1e-12), reference.name)
        XCTAssertTrue(model.coefficients.allSatisfy { abs($0) <= reference.c * (1 + 1e-12) }, reference.name)
        XCTAssertEqual(model.supportVectors.rowCount, model.coefficients.count, reference.name)
    }

    func testPredictions_matchScikitLearn_onCommittedFixtures() throws {
        try assertMatches(try ReferenceFixtures.committed("nusvr.json", as: Fixture.self), source: "committed")
    }

    func testPredictions_matchScikitLearn_whenRegeneratedLive() throws {
        try assertMatches(try ReferenceFixtures.live("nusvr.json", as: Fixture.self), source: "live")
    }

    func testShrinking_doesNotChangeTheSolution() throws {
        let fixture = try ReferenceFixtures.committed("nusvr.json", as: Fixture.self)
        for reference in fixture.cases where reference.yTrain.count <= 100 && reference.tolerance >= 1e-5 {
            let x = try Matrix(rows: reference.xTest)
            let shrunk = try reference.fit(shrinking: true).predict(x)
            let plain = try reference.fit(shrinking: false).predict(x)
            let worst = zip(shrunk, plain).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-3, reference.name)
        }
    }

    func testModel_roundTripsThroughJSON_andPredictsTheSame() throws {
        let fixture = try ReferenceFixtures.committed("nusvr.json", as: Fixture.self)
        let reference = try XCTUnwrap(fixture.cases.first { $0.standardized })
        let model = try reference.fit()
        let decoded = try JSONDecoder().decode(NuSVRModel.self, from: try JSONEncoder().encode(model))
        XCTAssertEqual(decoded, model)
        let x = try Matrix(rows: reference.xTest)
        XCTAssertEqual(decoded.predict(x), model.predict(x))
    }

    func testTargetStandardization_isUndoneInPredictions() throws {
        // Scaling the targets by 100 and C by 100 gives the same fit scaled by 100 without target
        // scaling; with it, the fit is invariant to the targets' units at a fixed C.
        let x = try Matrix(rows: (0..<40).map { i in [Double(i) / 10, sin(Double(i))] })
        let y = (0..<40).map { i in 0.3 * Double(i) / 10 + 0.1 * cos(Double(i)) }
        let configuration = NuSVR(c: 2, nu: 0.4, kernel: .rbf(gamma: 0.5), standardizesTargets: true, tolerance: 1e-8)
        let small = try configuration.fit(features: x, targets: y)
        let large = try configuration.fit(features: x, targets: y.map { $0 * 100 + 7 })
        for row in x.rows {
            XCTAssertEqual(large.predict(row), small.predict(row) * 100 + 7, accuracy: 1e-4)
        }
    }

    func testInvalidInput_throwsTypedErrors() throws {
        let x = try Matrix(rows: [[1], [2], [3]])
        XCTAssertThrowsError(try NuSVR(nu: 0).fit(features: x, targets: [1, 2, 3])) { error in
            XCTAssertEqual(error as? SVMError, .invalidParameter(name: "nu", value: 0, requirement: "in (0, 1]"))
        }
        XCTAssertThrowsError(try NuSVR(c: -1).fit(features: x, targets: [1, 2, 3]))
        XCTAssertThrowsError(try NuSVR(kernel: .rbf(gamma: 0)).fit(features: x, targets: [1, 2, 3]))
        XCTAssertThrowsError(try NuSVR().fit(features: x, targets: [1, 2])) { error in
            XCTAssertEqual(error as? SVMError, .targetCountMismatch(rows: 3, targets: 2))
        }
        XCTAssertThrowsError(try NuSVR().fit(features: x, targets: [1, .nan, 3])) { error in
            XCTAssertEqual(error as? SVMError, .nonFiniteValue(row: 1, column: nil))
        }
        XCTAssertThrowsError(try NuSVR().fit(features: Matrix(rowCount: 0, columnCount: 1), targets: []))
    }

    func testSinglePoint_fitsAndPredictsItsTarget() throws {
        let model = try NuSVR(c: 1, nu: 0.5, kernel: .rbf(gamma: 1)).fit(
            features: try Matrix(rows: [[0.5, 2]]), targets: [0.7])
        XCTAssertEqual(model.predict([0.5, 2]), 0.7, accuracy: 1e-9)
    }
}
