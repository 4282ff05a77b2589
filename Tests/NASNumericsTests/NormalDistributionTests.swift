import Foundation
import XCTest

@testable import NASNumerics

final class NormalDistributionTests: XCTestCase {
    /// Reference values of Φ from `scipy.stats.norm.cdf` (printed with repr).
    func testStandardCDF_matchesSciPyValues() {
        let references: [(Double, Double)] = [
            (0, 0.5), (1.959963984540054, 0.975), (-1, 0.15865525393145707), (3, 0.9986501019683699),
            (-8, 6.22096057427174e-16), (-30, 4.906713927147908e-198),
        ]
        for (z, expected) in references {
            let value = NormalDistribution.standardCumulativeProbability(z)
            XCTAssertLessThanOrEqual(abs(value - expected) / expected, 1e-12, "Φ(\(z))")
        }
    }

    /// The derivative of the CDF is the density: a central finite difference checks it.
    func testCDF_derivativeIsTheDensity() {
        let distribution = NormalDistribution(mean: 0.7, standardDeviation: 0.05)
        let h = 1e-6
        for x in stride(from: 0.5, through: 0.9, by: 0.05) {
            let numeric =
                (distribution.cumulativeProbability(x + h) - distribution.cumulativeProbability(x - h)) / (2 * h)
            let z = (x - 0.7) / 0.05
            let density = exp(-z * z / 2) / (0.05 * (2 * Double.pi).squareRoot())
            XCTAssertEqual(numeric, density, accuracy: 1e-6 * max(1, density))
        }
    }

    func testZeroDeviation_isAStepAtTheMean() {
        let point = NormalDistribution(mean: 0.5, standardDeviation: 0)
        XCTAssertEqual(point.cumulativeProbability(0.4999), 0)
        XCTAssertEqual(point.cumulativeProbability(0.5), 1)
    }
}
