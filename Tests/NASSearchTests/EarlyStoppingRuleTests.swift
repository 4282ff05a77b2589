import Foundation
import XCTest

@testable import NASSearch

final class EarlyStoppingRuleTests: XCTestCase {
    func testReference_isTheNthBestFinalValue() {
        let rule = EarlyStoppingRule(confidence: 0.99, compareToNth: 3)
        XCTAssertEqual(rule.reference(finalValues: [0.5, 0.9, 0.7, 0.8]), 0.7)
        XCTAssertNil(rule.reference(finalValues: [0.5, 0.9]))
        XCTAssertFalse(
            rule.shouldStop(
                prediction: FinalValuePrediction(mean: 0, sigma: 0, prefixEpochs: 1), finalValues: [0.5, 0.9]))
    }

    /// Φ(y_ref − δ; ŷ, σ) against values of scipy.stats.norm.cdf.
    func testProbability_isTheNormalCDFAtTheReferenceMinusTheMargin() {
        let rule = EarlyStoppingRule(confidence: 0.95, margin: 0.02)
        let prediction = FinalValuePrediction(mean: 0.70, sigma: 0.05, prefixEpochs: 3)
        // norm.cdf(0.80 - 0.02, 0.70, 0.05) = norm.cdf(1.6) = 0.9452007083004421
        XCTAssertEqual(rule.probabilityOfNotBeating(0.80, prediction: prediction), 0.9452007083004421, accuracy: 1e-12)
        XCTAssertFalse(rule.shouldStop(prediction: prediction, finalValues: [0.80, 0.6]))
        XCTAssertTrue(rule.shouldStop(prediction: prediction, finalValues: [0.81, 0.6]))
    }

    func testZeroSigma_stopsExactlyWhenThePredictionIsAtOrBelowTheThreshold() {
        let rule = EarlyStoppingRule(confidence: 0.99, margin: 0.1)
        XCTAssertTrue(
            rule.shouldStop(prediction: FinalValuePrediction(mean: 0.7, sigma: 0, prefixEpochs: 1), finalValues: [0.8]))
        XCTAssertFalse(
            rule.shouldStop(prediction: FinalValuePrediction(mean: 0.71, sigma: 0, prefixEpochs: 1), finalValues: [0.8])
        )
    }
}

final class SRMRefitScheduleTests: XCTestCase {
    func testSchedule_waitsForTheBurnIn_thenRefitsGeometrically() {
        let schedule = SRMRefitSchedule(burnIn: 100, growthFraction: 0.25, minimumGrowth: 10)
        XCTAssertFalse(schedule.isFitDue(completeCurves: 99, lastFitCount: nil))
        XCTAssertTrue(schedule.isFitDue(completeCurves: 100, lastFitCount: nil))
        XCTAssertFalse(schedule.isFitDue(completeCurves: 124, lastFitCount: 100))
        XCTAssertTrue(schedule.isFitDue(completeCurves: 125, lastFitCount: 100))
        var fits: [Int] = []
        var last: Int?
        for count in 0...300 where schedule.isFitDue(completeCurves: count, lastFitCount: last) {
            fits.append(count)
            last = count
        }
        XCTAssertEqual(fits, [100, 125, 157, 197, 247])
        let small = SRMRefitSchedule(burnIn: 10, growthFraction: 0.25, minimumGrowth: 10)
        XCTAssertFalse(small.isFitDue(completeCurves: 19, lastFitCount: 10), "the minimum growth applies")
    }
}
