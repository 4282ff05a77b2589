import Foundation
import NASCore
import NASTestSupport
import XCTest

@testable import NASSearch

final class RNASEvaluationTests: XCTestCase {
    private func records(_ count: Int) throws -> [CurveRecord] {
        var generator = SeededGenerator(seed: 21)
        let space = try NASBench201Space()
        return (0..<count).map { index in
            let cell = space.sample(using: &generator)
            return CurveRecord(
                network: .nb201(cell), curve: [RNASRankerTests.syntheticAccuracy(cell)], epochs: [12], id: "\(index)")
        }
    }

    func testEvaluateRNAS_reportsTauBesideTheParameterBaseline_withNullBaselineFit() throws {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 8
        let report = try PredictorEvaluation.evaluateRNAS(
            records: try records(70), trainCount: 45, seed: 1, settings: settings)
        XCTAssertEqual(report.predictor, "rnas")
        XCTAssertEqual(report.baseline, "params")
        XCTAssertEqual(report.trainCount, 45)
        XCTAssertEqual(report.testCount, 25)
        XCTAssertNil(report.baselineR2)
        XCTAssertNil(report.baselineMSE)
        let baseline = try XCTUnwrap(report.baselineKendallTau)
        XCTAssertGreaterThan(baseline, 0, "parameters grow with the convolutions the synthetic target rewards")
        XCTAssertGreaterThan(try XCTUnwrap(report.kendallTau), 0.3)
        XCTAssertNotNil(report.mse)
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        XCTAssertTrue(json.contains("\"baseline_r2\":null"), json)
    }

    func testEvaluateRNAS_refusesATrainingSetThatLeavesNoTestRow() throws {
        XCTAssertThrowsError(try PredictorEvaluation.evaluateRNAS(records: try records(5), trainCount: 5, seed: 0)) {
            error in
            guard case PredictorEvaluationError.invalidArgument = error else { return XCTFail("\(error)") }
        }
    }

    func testNASBench101Export_convertsToCurveRows_withThe108EpochTarget() throws {
        let url = try TestEnvironment.sharedFile("nasbench-vis/nb101_data-1k.json")
        let exported = try NASBench101Record.records(from: Data(contentsOf: url))
        let rows = exported.prefix(50).map(\.curveRecord)
        let parsed = try CurvesFile.parse(Data(try CurvesFile.format(Array(rows)).utf8))
        XCTAssertEqual(parsed, Array(rows))
        for (record, row) in zip(exported, parsed) {
            XCTAssertEqual(row.epochs, [4, 12, 36, 108])
            XCTAssertEqual(row.target, record.validationAccuracy[108])
            XCTAssertEqual(row.parameters, record.trainableParameters)
            XCTAssertEqual(row.network.network, .cell(record.cell))
            // The recorded parameter count is the one NASBench101Network computes (op codes verified).
            XCTAssertEqual(try NASBench101Network().parameters(of: record.cell), record.trainableParameters)
            XCTAssertEqual(try RNASFeatureTensor.nasBench101(record.cell).shape, [19, 7, 7])
        }
    }
}
