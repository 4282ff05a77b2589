import Foundation
import NASCore
import NASNumerics
import XCTest

@testable import NASSearch

final class RNASRankerTests: XCTestCase {
    /// A small predictor, so that a debug build trains in about a second.
    static var smallSettings: RNASSettings {
        var settings = RNASSettings()
        settings.convolutionChannels = [4]
        settings.hiddenUnits = [16, 8]
        settings.pairsPerBatch = 190  // 20 architectures per batch
        settings.epochs = 12
        settings.learningRate = 3e-3
        return settings
    }

    /// A ranking the tensor determines: 3×3 convolutions count most, 1×1 convolutions less, pooling
    /// a little, a skip connection into the output a bit.
    static func syntheticAccuracy(_ cell: NASBench201Cell) -> Double {
        let weights: [NASBench201Operation: Double] = [.convolution3x3: 3, .convolution1x1: 2, .averagePool3x3: 1]
        var score: Double = cell.operations[3] == .skipConnect ? 1.5 : 0
        for operation in cell.operations { score += weights[operation] ?? 0 }
        return 0.5 + score / 40
    }

    private func cells(_ count: Int, seed: UInt64) throws -> [NASBench201Cell] {
        var generator = SeededGenerator(seed: seed)
        let space = try NASBench201Space()
        return (0..<count).map { _ in space.sample(using: &generator) }
    }

    func testRanker_learnsASyntheticRanking_onHeldOutCells() throws {
        let training = try cells(60, seed: 1)
        let testing = try cells(200, seed: 2)
        let model = try RNASRanker.fit(
            inputs: training.map(RNASFeatureTensor.nasBench201), targets: training.map(Self.syntheticAccuracy),
            settings: Self.smallSettings, seed: 3)
        let scores = try model.makeScorer().scores(testing.map(RNASFeatureTensor.nasBench201))
        let tau = try XCTUnwrap(try KendallTau.tauB(scores, testing.map(Self.syntheticAccuracy)))
        XCTAssertGreaterThan(tau, 0.7, "held-out Kendall τ of the synthetic ranking")
    }

    func testFit_isDeterministicForASeed_whateverTheThreadCount_andDependsOnTheSeed() throws {
        let training = try cells(30, seed: 4)
        let inputs = training.map(RNASFeatureTensor.nasBench201)
        let targets = training.map(Self.syntheticAccuracy)
        var settings = Self.smallSettings
        settings.epochs = 3
        let serial = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 5)
        let parallel = try RNASRanker.fit(
            inputs: inputs, targets: targets, settings: settings, seed: 5, parallelism: Parallelism(threadCount: 3))
        XCTAssertEqual(serial, parallel)
        let other = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 6)
        XCTAssertNotEqual(serial.state, other.state)
    }

    func testModel_survivesJSON_andScoresTheSame() throws {
        let training = try cells(25, seed: 7)
        var settings = Self.smallSettings
        settings.epochs = 2
        let model = try RNASRanker.fit(
            inputs: training.map(RNASFeatureTensor.nasBench201), targets: training.map(Self.syntheticAccuracy),
            settings: settings, seed: 8)
        let decoded = try JSONDecoder().decode(RNASModel.self, from: JSONEncoder().encode(model))
        XCTAssertEqual(decoded, model)
        let probe = training.map(RNASFeatureTensor.nasBench201)
        XCTAssertEqual(try decoded.makeScorer().scores(probe), try model.makeScorer().scores(probe))
    }

    func testFit_refusesBadTrainingSets_andSettings() throws {
        let tensor = RNASFeatureTensor.nasBench201(try cells(1, seed: 9)[0])
        XCTAssertThrowsError(try RNASRanker.fit(inputs: [tensor], targets: [0.5], seed: 0)) { error in
            guard case RNASError.invalidTrainingSet = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try RNASRanker.fit(inputs: [tensor, tensor], targets: [0.5, .nan], seed: 0))
        var settings = RNASSettings()
        settings.margin = -1
        XCTAssertThrowsError(
            try RNASRanker.fit(inputs: [tensor, tensor], targets: [0.5, 0.6], settings: settings, seed: 0)
        ) {
            error in
            guard case RNASError.invalidSettings = error else { return XCTFail("\(error)") }
        }
        let model = try RNASRanker.fit(
            inputs: [tensor, tensor], targets: [0.5, 0.6], settings: Self.smallSettings, seed: 0)
        XCTAssertThrowsError(try model.makeScorer().scores([Tensor(shape: [19, 7, 7])])) { error in
            guard case RNASError.shapeMismatch = error else { return XCTFail("\(error)") }
        }
    }

    func testEnsemble_scoresTheMeanOfItsMembersStandardizedScores_deterministicWhateverTheThreads() throws {
        let training = try cells(30, seed: 11)
        let inputs = training.map(RNASFeatureTensor.nasBench201)
        let targets = training.map(Self.syntheticAccuracy)
        var settings = Self.smallSettings
        settings.epochs = 3
        let single = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 12)
        XCTAssertEqual(single.additionalStates, [])
        XCTAssertEqual(single.standardizations, [], "one ranker's score is its output as it is")
        settings.ensembleSize = 3
        let ensemble = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 12)
        XCTAssertEqual(ensemble.memberStates.count, 3)
        XCTAssertEqual(ensemble.standardizations.count, 3)
        XCTAssertEqual(ensemble.state, single.state, "the first member is the single ranker of the same seed")
        XCTAssertNotEqual(ensemble.additionalStates[0], ensemble.state, "the members have their own seeds")
        XCTAssertNotEqual(ensemble.additionalStates[0], ensemble.additionalStates[1])
        XCTAssertEqual(
            ensemble,
            try RNASRanker.fit(
                inputs: inputs, targets: targets, settings: settings, seed: 12,
                parallelism: Parallelism(threadCount: 3)))

        // Each member alone, standardized on the training networks, then averaged.
        let probe = try cells(40, seed: 13).map(RNASFeatureTensor.nasBench201)
        var one = settings
        one.ensembleSize = 1
        var memberScores: [[Double]] = []
        for state in ensemble.memberStates {
            let member = try RNASModel(
                settings: one, inputShape: ensemble.inputShape, scaling: ensemble.scaling, state: state
            ).makeScorer()
            let standardization = RNASScoreStandardization(scores: try member.scores(inputs))
            XCTAssertGreaterThan(standardization.standardDeviation, 0)
            memberScores.append(try member.scores(probe).map(standardization.apply))
        }
        let scorer = try ensemble.makeScorer()
        let scores = try scorer.scores(probe)
        let optimistic = try scorer.scores(probe, exploration: 1.5)
        var spreads: [Double] = []
        for index in probe.indices {
            let (a, b, c) = (memberScores[0][index], memberScores[1][index], memberScores[2][index])
            let mean = (a + b + c) / 3
            // The sample standard deviation of the three members' scores.
            let spread = (((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 2)
                .squareRoot()
            spreads.append(spread)
            XCTAssertEqual(scores[index], mean, accuracy: 1e-9)
            XCTAssertEqual(optimistic[index], mean + 1.5 * spread, accuracy: 1e-9, "exploration adds κ·sd")
        }
        XCTAssertGreaterThan(spreads.max() ?? 0, 0.01, "the members disagree somewhere, so κ is tested")
        let ranks = { (values: [Double]) in values.indices.sorted { values[$0] > values[$1] } }
        XCTAssertNotEqual(ranks(scores), ranks(optimistic), "exploration reorders the candidates")
        let singleScorer = try single.makeScorer()
        XCTAssertEqual(
            try singleScorer.scores(probe, exploration: 2), try singleScorer.scores(probe),
            "one ranker has no spread: exploration changes nothing")

        let decoded = try JSONDecoder().decode(RNASModel.self, from: JSONEncoder().encode(ensemble))
        XCTAssertEqual(decoded, ensemble)
    }

    func testModelWithoutEnsembleKeys_decodesAsOneRanker() throws {
        let training = try cells(10, seed: 14)
        var settings = Self.smallSettings
        settings.epochs = 1
        let model = try RNASRanker.fit(
            inputs: training.map(RNASFeatureTensor.nasBench201), targets: training.map(Self.syntheticAccuracy),
            settings: settings, seed: 15)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
        object["additionalStates"] = nil
        object["standardizations"] = nil
        var settingsObject = try XCTUnwrap(object["settings"] as? [String: Any])
        settingsObject["ensembleSize"] = nil
        object["settings"] = settingsObject
        let earlier = try JSONDecoder().decode(RNASModel.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(earlier, model, "a model written before ensembles existed")
        XCTAssertEqual(earlier.settings.ensembleSize, 1)
    }

    func testEnsemble_refusesAModelToFineTuneWithAnotherSize_andMembersThatDoNotFit() throws {
        let training = try cells(10, seed: 16)
        let inputs = training.map(RNASFeatureTensor.nasBench201)
        let targets = training.map(Self.syntheticAccuracy)
        var settings = Self.smallSettings
        settings.epochs = 1
        let single = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 17)
        settings.ensembleSize = 2
        XCTAssertThrowsError(
            try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 17, startingFrom: single)
        ) { error in
            guard case RNASError.invalidSettings = error else { return XCTFail("\(error)") }
        }
        let ensemble = try RNASRanker.fit(inputs: inputs, targets: targets, settings: settings, seed: 17)
        let tuned = try RNASRanker.fit(
            inputs: inputs, targets: targets, settings: settings, seed: 18, startingFrom: ensemble)
        XCTAssertEqual(tuned.memberStates.count, 2)
        var broken = ensemble
        broken.standardizations.removeLast()
        XCTAssertThrowsError(try broken.makeScorer())
        broken = ensemble
        broken.additionalStates = []
        XCTAssertThrowsError(try broken.makeScorer())
        settings.ensembleSize = 0
        XCTAssertThrowsError(try settings.validate())
    }

    func testArchitecturesPerBatch_isTheSmallestBatchWithThatManyPairs() {
        var settings = RNASSettings()
        XCTAssertEqual(settings.architecturesPerBatch, 46, "45·46/2 = 1035 ≥ 1024 > 990")
        settings.pairsPerBatch = 1
        XCTAssertEqual(settings.architecturesPerBatch, 2)
    }

    func testContinuityGradient_isTheTripletLossGradient_byFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 11)
        let features = Tensor(shape: [6, 3]) { Float.random(in: -1...1, using: &generator) }
        let targets = [0.1, 0.5, 0.2, 0.9, 0.45, 0.7]
        let loss = TripletMarginLoss(margin: 1)
        var draw = SeededGenerator(seed: 12)
        let gradient = try XCTUnwrap(
            try RNASRanker.continuityGradient(
                features: features, targets: targets, loss: loss, weight: 0.5, using: &draw))
        // The same triplets are drawn again from the same generator state.
        func value(_ input: Tensor) throws -> (total: Double, triplets: Double) {
            var again = SeededGenerator(seed: 12)
            var total = 0.0
            var triplets = 0.0
            let count = targets.count
            for anchor in 0..<count {
                var first = Int.random(in: 0..<(count - 1), using: &again)
                if first >= anchor { first += 1 }
                var second = Int.random(in: 0..<(count - 2), using: &again)
                for taken in [anchor, first].sorted() where second >= taken { second += 1 }
                let (d1, d2) = (abs(targets[anchor] - targets[first]), abs(targets[anchor] - targets[second]))
                guard d1 != d2 else { continue }
                let (positive, negative) = d1 < d2 ? (first, second) : (second, first)
                func row(_ r: Int) throws -> Tensor {
                    try Tensor(shape: [1, 3], scalars: Array(input.scalars[(r * 3)..<(r * 3 + 3)]))
                }
                total += Double(
                    try loss.evaluate(anchor: row(anchor), positive: row(positive), negative: row(negative)).value)
                triplets += 1
            }
            return (total, triplets)
        }
        let triplets = try value(features).triplets
        for index in 0..<features.count {
            var plus = features
            var minus = features
            plus.scalars[index] += 1e-2
            minus.scalars[index] -= 1e-2
            let numeric = 0.5 / triplets * (try value(plus).total - value(minus).total) / 2e-2
            XCTAssertEqual(Double(gradient.scalars[index]), numeric, accuracy: 2e-3, "feature \(index)")
        }
    }
}
