import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class SRMFeatureLayoutTests: XCTestCase {
    private func example(_ values: [Double], epochs: [Int]? = nil, hyper: [String: Double]) throws
        -> LearningCurveExample
    {
        let curve = try epochs.map { try CurvePrefix(values: values, epochs: $0) } ?? CurvePrefix(values: values)
        return LearningCurveExample(
            features: ConfigurationFeatures(
                parameterCount: 1000, layerCount: 7, epochBudget: values.count, hyperparameters: hyper),
            curve: curve)
    }

    /// Baker et al.'s x_f: y(1..τ), first and second differences, AP, then HP.
    func testFeatures_followBakersLayout() throws {
        let training = [
            try example([0.1, 0.3, 0.4, 0.5], hyper: ["learning_rate": 0.001, "momentum": 0.9]),
            try example([0.2, 0.2, 0.3, 0.3], hyper: ["learning_rate": 0.1]),
        ]
        let layout = SRMFeatureLayout(prefixEpochs: 3, examples: training)
        XCTAssertEqual(layout.curveEpochs, [1, 2, 3])
        XCTAssertEqual(layout.hyperparameters.map(\.name), ["learning_rate", "momentum"])
        XCTAssertEqual(layout.hyperparameters.map(\.isLogarithmic), [true, false])
        let vector = layout.features(of: training[0].features, prefix: training[0].curve)
        let expected: [Double] = [0.1, 0.3, 0.4, 0.2, 0.1, -0.1, 3, 7, 4, -3, 0.9]
        XCTAssertEqual(vector.count, layout.featureCount)
        for (value, reference) in zip(vector, expected) { XCTAssertEqual(value, reference, accuracy: 1e-12) }
        // The second example lacks momentum: the training mean fills it in.
        let second = layout.features(of: training[1].features, prefix: training[1].curve)
        XCTAssertEqual(second.last ?? 0, 0.9, accuracy: 1e-12)
        XCTAssertEqual(second[second.count - 2], -1, accuracy: 1e-12)
    }

    /// A curve without a point at a feature epoch is read by linear interpolation, and slopes are
    /// per epoch.
    func testMissingEpochs_areInterpolated() throws {
        let dense = try example([0.1, 0.2, 0.3, 0.4, 0.5], hyper: [:])
        let gappy = try example([0.2, 0.6, 0.9], epochs: [1, 3, 5], hyper: [:])
        let layout = SRMFeatureLayout(prefixEpochs: 3, examples: [dense, gappy])
        let vector = layout.features(of: gappy.features, prefix: gappy.curve)
        XCTAssertEqual(Array(vector.prefix(3)), [0.2, 0.4, 0.6].map { $0 }, "y at 1, 2 (interpolated), 3")
        XCTAssertEqual(vector[3], 0.2, accuracy: 1e-12)
        XCTAssertEqual(vector[5], 0, accuracy: 1e-12)
    }

    func testConfigurationFeatures_ofARecord_useNASCoreAnalysis() throws {
        let architecture = try Architecture(notation: "[C(32,3,1), P(2,2), FC(64), SM(10)]")
        let record = CurveRecord(network: .notation(architecture), curve: [0.3, 0.5], hyperparameters: ["lr": 0.1])
        let features = try ConfigurationFeatures(record: record)
        XCTAssertEqual(features.parameterCount, try architecture.analyze(input: .cifar).parameters)
        XCTAssertEqual(features.layerCount, 4)
        XCTAssertEqual(features.epochBudget, 2)
        var given = record
        given.parameters = 12345
        XCTAssertEqual(try ConfigurationFeatures(record: given).parameterCount, 12345)
    }

    func testConfigurationFeatures_ofACell_countTheNASBench101Network() throws {
        let cell = try Cell(notation: "input,conv3x3-bn-relu,output;0>1,1>2")
        let features = try ConfigurationFeatures(network: .cell(cell), input: .cifar, hyperparameters: [:], budget: 108)
        XCTAssertEqual(features.parameterCount, try NASBench101Network().parameters(of: cell))
        XCTAssertEqual(features.layerCount, 3)
    }

    func testCurvePrefix_appendsOnlyLaterEpochsAndFiniteValues() throws {
        var prefix = CurvePrefix(values: [])
        XCTAssertTrue(prefix.append(0.3, atEpoch: 2))
        XCTAssertTrue(prefix.append(0.4, atEpoch: 4))
        XCTAssertFalse(prefix.append(0.5, atEpoch: 4), "a re-sent epoch")
        XCTAssertFalse(prefix.append(0.5, atEpoch: 3), "an earlier epoch")
        XCTAssertFalse(prefix.append(.nan, atEpoch: 6))
        XCTAssertFalse(CurvePrefix(values: []).appending(0.1, atEpoch: 0))
        XCTAssertEqual(prefix, try CurvePrefix(values: [0.3, 0.4], epochs: [2, 4]))
        XCTAssertEqual(prefix.lastEpoch, 4)
        XCTAssertEqual(prefix.truncated(toEpoch: 3).epochs, [2])
    }
}

extension CurvePrefix {
    fileprivate func appending(_ value: Double, atEpoch epoch: Int) -> Bool {
        var copy = self
        return copy.append(value, atEpoch: epoch)
    }
}
