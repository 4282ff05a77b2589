import Foundation
import NASCore
import NASTestSupport
import XCTest

@testable import NASSearch

final class PredictorEvaluationTests: XCTestCase {
    private let quick = SRMSettings(
        searchCount: 3, cRange: SRMSettings.Range(lower: 0.01, upper: 100, isLogarithmic: true), minimumExamples: 6,
        leaveOneOutLimit: 8, maximumIterations: 2_000)

    func testObservedEpochs_roundHalfAwayFromZero_andObserveAtLeastOne() {
        XCTAssertEqual(PredictorEvaluation.observedEpochs(finalEpoch: 12, fraction: 0.25), 3)
        XCTAssertEqual(PredictorEvaluation.observedEpochs(finalEpoch: 10, fraction: 0.25), 3)
        XCTAssertEqual(PredictorEvaluation.observedEpochs(finalEpoch: 9, fraction: 0.25), 2)
        XCTAssertEqual(PredictorEvaluation.observedEpochs(finalEpoch: 12, fraction: 0.01), 1)
    }

    func testEvaluation_splitsCompleteRows_andReportsBothPredictors() throws {
        var records = try SurrogateCurves.records(count: 36, budget: 6, seed: 2)
        records[0].isComplete = false  // ignored: only complete rows are trained on or tested
        let report = try PredictorEvaluation.evaluateSRM(
            records: records, trainCount: 20, observedFraction: 0.5, seed: 1, settings: quick)
        XCTAssertEqual(report.trainCount, 20)
        XCTAssertEqual(report.testCount, 15)
        XCTAssertEqual(report.predictor, "srm")
        XCTAssertEqual(report.baseline, "last_seen")
        let r2 = try XCTUnwrap(report.r2)
        let baseline = try XCTUnwrap(report.baselineR2)
        XCTAssertGreaterThan(r2, baseline, "SRM \(r2) vs last seen \(baseline)")
        XCTAssertNotNil(report.kendallTau)
        let again = try PredictorEvaluation.evaluateSRM(
            records: records, trainCount: 20, observedFraction: 0.5, seed: 1, settings: quick)
        XCTAssertEqual(again, report)
    }

    func testJSON_hasExactlyTheSharedKeys_withNullForAbsentFigures() throws {
        let report = PredictorEvaluationReport(
            predictor: "srm", r2: 0.5, mse: 0.01, kendallTau: nil, trainCount: 3, testCount: 2, baseline: "last_seen",
            baselineR2: nil, baselineMSE: 0.02, baselineKendallTau: 0.1)
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        XCTAssertEqual(
            Set(object.keys),
            [
                "predictor", "r2", "mse", "kendall_tau", "n_train", "n_test", "baseline", "baseline_r2",
                "baseline_mse", "baseline_kendall_tau",
            ])
        XCTAssertTrue(object["kendall_tau"] is NSNull)
        XCTAssertTrue(object["baseline_r2"] is NSNull)
    }

    func testBadArguments_andUnusableRows_areReported() throws {
        let records = try SurrogateCurves.records(count: 8, budget: 4, seed: 2)
        XCTAssertThrowsError(
            try PredictorEvaluation.evaluateSRM(records: records, trainCount: 8, observedFraction: 0.5, seed: 0)
        ) {
            guard case .invalidArgument = $0 as? PredictorEvaluationError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(
            try PredictorEvaluation.evaluateSRM(records: records, trainCount: 4, observedFraction: 0, seed: 0))
        var broken = records
        broken[2] = CurveRecord(
            network: .notation(try Architecture(notation: "[P(64,64), SM(10)]")), curve: [0.1, 0.2], id: "bad")
        XCTAssertThrowsError(
            try PredictorEvaluation.evaluateSRM(records: broken, trainCount: 4, observedFraction: 0.5, seed: 0)
        ) {
            guard case .unusableRow(let row, let id, _) = $0 as? PredictorEvaluationError else {
                return XCTFail("\($0)")
            }
            XCTAssertEqual(row, 3)
            XCTAssertEqual(id, "bad")
        }
    }
}
