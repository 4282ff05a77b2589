import Foundation
import NASCore
import NASNumerics
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

    private var onePassPeephole: PeepholeSettings {
        var settings = PeepholeSettings()
        settings.epochs = 1
        settings.minimumSteps = 0
        return settings
    }

    func testEvaluation_withOneTestRow_reportsNullTau_forThePredictorAndTheBaseline() throws {
        var settings = RNASRankerTests.smallSettings
        settings.epochs = 1
        let rnas = try PredictorEvaluation.evaluateRNAS(
            records: try records(6), trainCount: 5, seed: 0, settings: settings)
        XCTAssertEqual(rnas.testCount, 1)
        XCTAssertNil(rnas.kendallTau)
        XCTAssertNil(rnas.baselineKendallTau)
        let report = try PredictorEvaluation.evaluatePeephole(
            records: try records(6), trainCount: 5, seed: 0, settings: onePassPeephole)
        XCTAssertEqual(report.testCount, 1)
        XCTAssertNil(report.kendallTau)
        XCTAssertNil(report.baselineKendallTau)
    }

    /// The `params` baseline of a NAS-Bench-201 file ranks by the network's parameter count
    /// (`NASBench201Network`), for Peephole as for RNAS; a recorded `params` field wins.
    func testParameterBaseline_onNASBench201Cells_ranksByTheNetworksParameterCount() throws {
        let rows = try records(40)
        let outcome = try PredictorEvaluation.evaluatePeepholeWithSplit(
            records: rows, trainCount: 20, seed: 3, settings: onePassPeephole)
        for row in outcome.testingRows {
            guard case .nb201(let cell) = rows[row.row - 1].network else { return XCTFail("not an NB201 row") }
            XCTAssertEqual(row.parameters, NASBench201Network().parameters(of: cell))
        }
        let expected = try KendallTau.tauB(
            outcome.testingRows.map { Double($0.parameters) }, outcome.testingRows.map(\.example.accuracy))
        XCTAssertEqual(outcome.report.baselineKendallTau, expected)
        XCTAssertGreaterThan(try XCTUnwrap(outcome.report.baselineKendallTau), 0)
        var recorded = rows
        recorded[0].parameters = 7
        let first = try PredictorEvaluation.peepholeRows(recorded)[0]
        XCTAssertEqual(first.parameters, 7)
        XCTAssertEqual(
            first.example, try PredictorEvaluation.peepholeRows(rows)[0].example, "the model's input ignores it")
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
