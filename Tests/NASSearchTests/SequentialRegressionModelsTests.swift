import Foundation
import NASCore
import NASNumerics
import NASTestSupport
import XCTest

@testable import NASSearch

final class SequentialRegressionModelsTests: XCTestCase {
    /// Small settings so a debug build fits in well under a second per model set.
    private let quick = SRMSettings(
        searchCount: 4, cRange: SRMSettings.Range(lower: 0.01, upper: 100, isLogarithmic: true), minimumExamples: 6,
        leaveOneOutLimit: 8, maximumIterations: 2_000)

    private func examples(count: Int, budget: Int, seed: UInt64) throws -> [LearningCurveExample] {
        try SurrogateCurves.records(count: count, budget: budget, seed: seed).compactMap {
            try LearningCurveExample(record: $0)
        }
    }

    func testFit_isDeterministicGivenTheSeed_andTheSeedMatters() throws {
        let training = try examples(count: 24, budget: 5, seed: 3)
        let first = try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 11)
        let second = try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 11)
        let other = try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 12)
        XCTAssertEqual(first, second)
        XCTAssertNotEqual(first.models.map(\.hyperparameters), other.models.map(\.hyperparameters))
        XCTAssertEqual(first.prefixLengths, [1, 2, 3, 4])
    }

    func testPredictions_beatTheLastSeenValue_onSurrogateCurves() throws {
        let all = try examples(count: 70, budget: 8, seed: 5)
        let training = Array(all.prefix(40))
        let testing = Array(all.dropFirst(40))
        let models = try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 1)
        var predicted: [Double] = []
        var lastSeen: [Double] = []
        for example in testing {
            let prefix = example.curve.truncated(toEpoch: 2)
            let prediction = try models.predict(features: example.features, prefix: prefix)
            XCTAssertEqual(prediction.prefixEpochs, 2)
            XCTAssertGreaterThan(prediction.sigma, 0)
            predicted.append(prediction.mean)
            lastSeen.append(prefix.values[prefix.values.count - 1])
        }
        let targets = testing.map(\.finalValue)
        let r2 = try XCTUnwrap(RegressionMetrics.coefficientOfDetermination(predictions: predicted, targets: targets))
        let baseline = try XCTUnwrap(
            RegressionMetrics.coefficientOfDetermination(predictions: lastSeen, targets: targets))
        XCTAssertGreaterThan(r2, baseline + 0.2, "SRM R² \(r2) vs last seen \(baseline)")
        XCTAssertGreaterThan(r2, 0.6)
    }

    /// Curves recorded every other epoch get models at the epochs they recorded, and a prefix is
    /// served by the longest model that it reaches.
    func testCurvesWithGaps_areModelledByPrefixLengthInEpochs() throws {
        let dense = try examples(count: 20, budget: 8, seed: 9)
        let sparse = try dense.map { example in
            let kept = example.curve.epochs.indices.filter { example.curve.epochs[$0] % 2 == 0 }
            let curve = try CurvePrefix(
                values: kept.map { example.curve.values[$0] }, epochs: kept.map { example.curve.epochs[$0] })
            return LearningCurveExample(features: example.features, curve: curve)
        }
        let models = try SequentialRegressionModels.fit(examples: sparse, settings: quick, seed: 2)
        XCTAssertEqual(models.prefixLengths, [2, 4, 6])
        XCTAssertEqual(models.models.first { $0.prefixEpochs == 4 }?.layout.curveEpochs, [2, 4])
        let probe = sparse[0]
        let prediction = try models.predict(features: probe.features, prefix: probe.curve.truncated(toEpoch: 5))
        XCTAssertEqual(prediction.prefixEpochs, 4)
        XCTAssertThrowsError(try models.predict(features: probe.features, prefix: probe.curve.truncated(toEpoch: 1))) {
            XCTAssertEqual($0 as? SRMError, .noModel(lastEpoch: 0, shortest: 2))
        }
    }

    /// σ(τ) is the root mean squared leave-one-out error of the model's prediction: the average of
    /// its ensemble's ν-SVRs, clipped to the range of the targets each fit saw.
    func testSigma_isTheLeaveOneOutErrorOfTheClippedAverage() throws {
        let training = try examples(count: 12, budget: 3, seed: 21)
        for ensembleSize in [1, 3] {
            var settings = quick
            settings.leaveOneOutLimit = 100
            settings.ensembleSize = ensembleSize
            let models = try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 4)
            let model = try XCTUnwrap(models.models.first { $0.prefixEpochs == 1 })
            let members = [model.hyperparameters] + model.runnerUpHyperparameters
            XCTAssertEqual(members.count, ensembleSize)
            XCTAssertEqual(model.runnersUp.count, ensembleSize - 1)
            XCTAssertEqual(Set(members).count, ensembleSize, "the members are distinct candidates")
            var squared = 0.0
            for left in training.indices {
                let rest = training.indices.filter { $0 != left }
                let features = try Matrix(
                    rows: rest.map { model.layout.features(of: training[$0].features, prefix: training[$0].curve) })
                let targets = rest.map { training[$0].finalValue }
                let probe = model.layout.features(of: training[left].features, prefix: training[left].curve)
                var sum = 0.0
                for member in members {
                    let regressor = NuSVR(
                        c: member.c, nu: member.nu, kernel: member.gamma.map { .rbf(gamma: $0) } ?? .linear,
                        featureScaling: .standardized, standardizesTargets: true, tolerance: settings.tolerance,
                        maximumIterations: settings.maximumIterations)
                    sum += try regressor.fit(features: features, targets: targets).predict(probe)
                }
                let predicted = min(max(sum / Double(members.count), targets.min() ?? 0), targets.max() ?? 0)
                let error = predicted - training[left].finalValue
                squared += error * error
            }
            XCTAssertEqual(
                model.sigma, (squared / Double(training.count)).squareRoot(), accuracy: 1e-12,
                "ensemble of \(ensembleSize)")
        }
    }

    /// A model predicts the mean of its ν-SVRs, clipped to the range of the final values it was
    /// fitted on: a prefix far outside the training curves cannot be forecast beyond what any
    /// training curve reached.
    func testPrediction_averagesTheEnsemble_andIsClippedToTheTrainingTargets() throws {
        let training = try examples(count: 30, budget: 4, seed: 5)
        var settings = quick
        settings.ensembleSize = 3
        let models = try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 9)
        let model = try XCTUnwrap(models.models.first { $0.prefixEpochs == 2 })
        let range = try XCTUnwrap(model.targetRange)
        XCTAssertEqual(range.lowerBound, training.map(\.finalValue).min())
        XCTAssertEqual(range.upperBound, training.map(\.finalValue).max())
        let probe = training[0]
        let prefix = probe.curve.truncated(toEpoch: 2)
        let features = model.layout.features(of: probe.features, prefix: prefix)
        let mean = ([model.regressor] + model.runnersUp).map { $0.predict(features) }.reduce(0, +) / 3
        XCTAssertEqual(
            model.predictedFinalValue(of: probe.features, prefix: prefix),
            min(max(mean, range.lowerBound), range.upperBound), accuracy: 1e-12)
        // A curve far above every training curve: the unclipped average leaves the range, the
        // prediction does not.
        let soaring = CurvePrefix(values: [50, 100])
        let soaringFeatures = model.layout.features(of: probe.features, prefix: soaring)
        let raw = ([model.regressor] + model.runnersUp).map { $0.predict(soaringFeatures) }.reduce(0, +) / 3
        XCTAssertFalse(range.contains(raw), "the probe must push the raw average out of range (\(raw))")
        XCTAssertTrue(range.contains(model.predictedFinalValue(of: probe.features, prefix: soaring)))
    }

    /// An averaged model round-trips through JSON exactly, and stores each training row it keeps
    /// as a support vector once, however many of its ν-SVRs keep it.
    func testAveragedModel_roundTripsExactly_andStoresEachSupportVectorOnce() throws {
        let training = try examples(count: 30, budget: 5, seed: 13)
        var settings = quick
        settings.ensembleSize = 5
        let models = try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 6)
        XCTAssertTrue(models.models.contains { $0.runnersUp.count == 4 })
        let bytes = try JSONEncoder().encode(models)
        let decoded = try JSONDecoder().decode(SequentialRegressionModels.self, from: bytes)
        XCTAssertEqual(decoded, models)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        for model in try XCTUnwrap(object["models"] as? [[String: Any]]) {
            let best = try XCTUnwrap((model["regressor"] as? [String: Any])?["supportVectors"] as? [String: Any])
            let shared = try XCTUnwrap(model["sharedSupportVectors"] as? [String: Any])
            let stored = try XCTUnwrap(best["rows"] as? Int) + XCTUnwrap(shared["rows"] as? Int)
            XCTAssertLessThanOrEqual(stored, try XCTUnwrap(model["exampleCount"] as? Int))
        }
        // A corrupt row index is a decoding error, not a crash.
        var corrupt = object
        let averaged = (object["models"] as? [[String: Any]])?.first { ($0["runnersUp"] as? [Any])?.isEmpty == false }
        var first = try XCTUnwrap(averaged)
        var member = try XCTUnwrap((first["runnersUp"] as? [[String: Any]])?.first)
        member["supportVectorRows"] = [Int](repeating: 1_000_000, count: (member["coefficients"] as? [Any])?.count ?? 1)
        first["runnersUp"] = [member]
        first["runnerUpHyperparameters"] = [first["hyperparameters"] as Any]
        corrupt["models"] = [first]
        XCTAssertThrowsError(
            try JSONDecoder().decode(
                SequentialRegressionModels.self, from: JSONSerialization.data(withJSONObject: corrupt)))
    }

    /// A model stored before ensembles and clipping existed decodes as one unclipped ν-SVR and
    /// predicts as it did; settings stored before `ensembleSize` existed decode with 1.
    func testModelStoredBeforeEnsembles_decodesAndPredictsAsBefore() throws {
        let training = try examples(count: 20, budget: 3, seed: 8)
        var settings = quick
        settings.ensembleSize = 1
        let models = try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 2)
        var object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(models)) as? [String: Any])
        var settingsObject = try XCTUnwrap(object["settings"] as? [String: Any])
        settingsObject["ensembleSize"] = nil
        settingsObject["searchSampleLimit"] = nil
        object["settings"] = settingsObject
        let oldModels = try XCTUnwrap(object["models"] as? [[String: Any]]).map { model -> [String: Any] in
            var old = model
            for key in ["runnersUp", "runnerUpHyperparameters", "targetRange"] { old[key] = nil }
            return old
        }
        object["models"] = oldModels
        let decoded = try JSONDecoder().decode(
            SequentialRegressionModels.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(decoded.settings.ensembleSize, 1)
        XCTAssertEqual(decoded.settings.searchSampleLimit, .max, "older models searched on every curve")
        let model = try XCTUnwrap(decoded.models.first)
        XCTAssertTrue(model.runnersUp.isEmpty)
        XCTAssertNil(model.targetRange)
        let probe = training[3]
        let prefix = probe.curve.truncated(toEpoch: model.prefixEpochs)
        XCTAssertEqual(
            model.predictedFinalValue(of: probe.features, prefix: prefix),
            model.regressor.predict(model.layout.features(of: probe.features, prefix: prefix)))
    }

    /// Above `searchSampleLimit` curves, the search and σ work on a seeded sample of that many, and
    /// the ν-SVRs are fitted on every curve.
    func testLargeFit_searchesAndEstimatesSigmaOnASample_andFitsEveryCurve() throws {
        let training = try examples(count: 40, budget: 2, seed: 13)
        var settings = quick
        settings.searchSampleLimit = 16
        settings.leaveOneOutLimit = 100
        settings.ensembleSize = 2
        let models = try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 7)
        let model = try XCTUnwrap(models.models.first { $0.prefixEpochs == 1 })
        XCTAssertEqual(model.exampleCount, 40)

        var generator = SeededGenerator.derived(from: 7, stream: "srm.prefix.1")
        let sample = Array(training.indices).shuffled(using: &generator).prefix(16).sorted()
        let rows = training.map { model.layout.features(of: $0.features, prefix: $0.curve) }
        let targets = training.map(\.finalValue)
        let sampleFeatures = try Matrix(rows: sample.map { rows[$0] })
        let sampleTargets = sample.map { targets[$0] }
        let search = SVRHyperparameterSearch(settings: settings)
        let result = try search.run(features: sampleFeatures, targets: sampleTargets, using: &generator)
        XCTAssertEqual(model.hyperparameters, result.hyperparameters)
        XCTAssertEqual(model.crossValidatedMSE, result.crossValidatedMSE)

        let everyCurve = try Matrix(rows: rows)
        XCTAssertEqual(
            model.regressor,
            try result.hyperparameters.regressor(settings: settings).fit(features: everyCurve, targets: targets))
        XCTAssertEqual(
            model.runnersUp,
            try result.ensemble.dropFirst().map {
                try $0.regressor(settings: settings).fit(features: everyCurve, targets: targets)
            })
        let sampleLOO = try search.crossValidatedMSE(
            averaging: result.ensemble, clipped: true, features: sampleFeatures, targets: sampleTargets,
            folds: sampleTargets.indices.map { [$0] })
        XCTAssertEqual(model.sigma, sampleLOO.squareRoot())

        settings.searchSampleLimit = 40
        let unlimited = try XCTUnwrap(
            SequentialRegressionModels.fit(examples: training, settings: settings, seed: 7).models.first)
        XCTAssertNotEqual(unlimited.crossValidatedMSE, model.crossValidatedMSE, "at the limit every curve is searched")
        settings.searchSampleLimit = 5
        XCTAssertThrowsError(try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 7)) {
            guard case .invalidSettings = $0 as? SRMError else { return XCTFail("\($0)") }
        }
    }

    /// A range too narrow for the data is widened when the chosen value sits at its bound: on a
    /// noise-free smooth target the cross-validated error falls as C grows, so a C range ending at
    /// 0.01 must be widened (twice, at the default `maximumWidenings`).
    func testSearch_widensARangeWhoseBoundIsChosen() throws {
        let inputs = (0..<30).map { Double($0) / 10 }
        let features = try Matrix(rows: inputs.map { [$0] })
        let targets = inputs.map { sin(2 * $0) }
        var settings = quick
        settings.cRange = SRMSettings.Range(lower: 1e-3, upper: 1e-2, isLogarithmic: true)
        settings.gammaRange = SRMSettings.Range(lower: 1, upper: 1, isLogarithmic: true)
        var generator = SeededGenerator(seed: 1)
        let widened = try SVRHyperparameterSearch(settings: settings).run(
            features: features, targets: targets, using: &generator)
        XCTAssertEqual(widened.widenings, 2)
        XCTAssertGreaterThan(widened.hyperparameters.c, 1e-2)
        settings.maximumWidenings = 0
        generator = SeededGenerator(seed: 1)
        let fixed = try SVRHyperparameterSearch(settings: settings).run(
            features: features, targets: targets, using: &generator)
        XCTAssertEqual(fixed.widenings, 0)
        XCTAssertEqual(fixed.hyperparameters.c, 1e-2, "the upper probe wins")
        XCTAssertLessThan(widened.crossValidatedMSE, fixed.crossValidatedMSE)
    }

    func testModels_roundTripThroughJSON_andPredictTheSame() throws {
        let training = try examples(count: 16, budget: 4, seed: 6)
        let models = try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 3)
        let decoded = try JSONDecoder().decode(
            SequentialRegressionModels.self, from: try JSONEncoder().encode(models))
        XCTAssertEqual(decoded, models)
        let probe = training[3]
        XCTAssertEqual(
            try decoded.predict(features: probe.features, prefix: probe.curve.truncated(toEpoch: 2)),
            try models.predict(features: probe.features, prefix: probe.curve.truncated(toEpoch: 2)))
    }

    func testTooFewCurves_orBadSettings_throw() throws {
        let training = try examples(count: 4, budget: 4, seed: 6)
        XCTAssertThrowsError(try SequentialRegressionModels.fit(examples: training, settings: quick, seed: 0)) {
            XCTAssertEqual($0 as? SRMError, .notEnoughExamples(count: 4, minimum: 6))
        }
        var settings = quick
        settings.folds = 1
        XCTAssertThrowsError(try SequentialRegressionModels.fit(examples: training, settings: settings, seed: 0)) {
            guard case .invalidSettings = $0 as? SRMError else { return XCTFail("\($0)") }
        }
    }
}
