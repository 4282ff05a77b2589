import Foundation
import NASCore
import NASNumerics
import XCTest

@testable import NASSearch

/// Peephole's network, training, model file and gate, at small sizes (a debug build is slow).
final class PeepholeModelTests: XCTestCase {
    private static let small = PeepholeSettings(
        typeDimension: 4, kernelDimension: 3, channelDimension: 2, epochDimension: 3, epochTableSize: 30,
        hiddenSize: 12, mlpHiddenSize: 10, mlpLayers: 3, epochs: 40, batchSize: 8, learningRate: 3e-3)

    /// A synthetic family with a known ranking: accuracy grows with the convolutions' kernels and
    /// falls with sigmoids, so the ranking depends on layer types, kernels and order.
    private static func examples(count: Int, seed: UInt64) -> [PeepholeExample] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let length = Int.random(in: 2...7, using: &generator)
            var codes: [UnifiedLayerCode] = []
            var accuracy = 0.3
            for _ in 0..<length {
                if Bool.random(using: &generator) {
                    let kernel = Int.random(in: 1...5, using: &generator)
                    codes.append(
                        .square(.convolution, kernel: kernel, channelBin: Int.random(in: 0...7, using: &generator)))
                    accuracy += 0.02 * Double(kernel)
                } else {
                    codes.append(UnifiedLayerCode(type: Bool.random(using: &generator) ? .relu : .sigmoid))
                    if codes.last?.type == .sigmoid { accuracy -= 0.05 }
                }
            }
            return PeepholeExample(
                codes: codes, epoch: 20, accuracy: min(max(accuracy, 0), 1),
                parameters: Int.random(in: 1_000...1_000_000, using: &generator),
                macs: Int.random(in: 10_000...10_000_000, using: &generator))
        }
    }

    func testBackwardPass_matchesFiniteDifferences_throughTheSharedKernelTable() throws {
        var generator = SeededGenerator(seed: 5)
        let network = PeepholeNetwork(settings: Self.small, using: &generator)
        let batch = Array(Self.examples(count: 4, seed: 9))
        let standardization = PeepholeStatistics.Standardization(fitting: batch.map(\.statistics))
        let statistics = batch.map { standardization.apply($0.statistics) }
        let weights: [Float] = [0.7, -1.3, 0.4, 1.1]
        func loss() throws -> Double {
            let output = try network.forward(
                batch.map(\.codes), epochs: [3, 7, 20, 40], statistics: statistics, context: .training)
            return zip(output.scalars, weights).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        network.zeroGradients()
        _ = try loss()
        try network.backward(try Tensor(shape: [4, 1], scalars: weights))
        var checked = 0
        let firstLinear = try XCTUnwrap(network.namedParameters.first { $0.name.hasPrefix("mlp.") }?.name)
        XCTAssertTrue(Self.small.globalStatistics)
        for (name, parameter) in network.namedParameters where parameter.isTrainable {
            // The MLP's first layer reads the global statistics (its last PeepholeStatistics.count columns).
            guard
                ["kernel.weight", "type.weight", "epoch.weight", "channel.weight", "lstm.weight_ih_l0"].contains(name)
                    || name == firstLinear
            else { continue }
            let width = parameter.value.shape.last ?? 1
            let indices =
                name == firstLinear
                ? (0..<2).flatMap { row in (width - PeepholeStatistics.count..<width).map { row * width + $0 } }
                : Array(stride(from: 0, to: parameter.value.count, by: max(1, parameter.value.count / 7)))
            for index in indices {
                let analytic = Double(parameter.gradient.scalars[index])
                let original = parameter.value.scalars[index]
                let step: Float = 1e-2
                parameter.value.scalars[index] = original + step
                let plus = try loss()
                parameter.value.scalars[index] = original - step
                let minus = try loss()
                parameter.value.scalars[index] = original
                let numeric = (plus - minus) / Double(2 * step)
                XCTAssertEqual(analytic, numeric, accuracy: 2e-2 + 5e-2 * abs(numeric), "\(name)[\(index)]")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20 + 2 * PeepholeStatistics.count)
    }

    func testTraining_isDeterministicForASeed_andIndependentOfThreads() throws {
        let examples = Self.examples(count: 40, seed: 1)
        var settings = Self.small
        settings.epochs = 3
        let first = try PeepholeTrainer(settings: settings, seed: 11).fit(examples).encoded()
        let again = try PeepholeTrainer(settings: settings, seed: 11, parallelism: Parallelism(threadCount: 3))
            .fit(examples).encoded()
        let other = try PeepholeTrainer(settings: settings, seed: 12).fit(examples).encoded()
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
    }

    func testTrainedModel_ranksHeldOutNetworks() throws {
        let training = Self.examples(count: 80, seed: 2)
        let testing = Self.examples(count: 60, seed: 3)
        var settings = Self.small
        settings.epochs = 30
        let model = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        let predictions = try model.predict(testing)
        let tau = try XCTUnwrap(try KendallTau.tauB(predictions, testing.map(\.accuracy)))
        // An untrained network ranks at τ ≈ 0; this one reaches 0.62.
        XCTAssertGreaterThan(tau, 0.5, "held-out Kendall τ")
    }

    func testModelFile_roundTrips_andRejectsAnotherVersion() throws {
        var settings = Self.small
        settings.epochs = 2
        let examples = Self.examples(count: 20, seed: 6)
        let model = try PeepholeTrainer(settings: settings, seed: 1).fit(examples)
        let bytes = try model.encoded()
        let decoded = try PeepholeModel(data: bytes)
        XCTAssertEqual(try decoded.predict(examples), try model.predict(examples))
        XCTAssertEqual(decoded.file.trainedPredictions.count, 20)
        var file = model.file
        file.formatVersion = 99
        XCTAssertThrowsError(try PeepholeModel(file: file)) {
            guard case .unreadableModel(let message)? = $0 as? PeepholeError else { return XCTFail("\($0)") }
            XCTAssertTrue(message.contains("99"), message)
        }
        XCTAssertThrowsError(try PeepholeModel(data: Data("{\"format\":\"x\"}".utf8)))
    }

    func testGlobalStatistics_letTheModelRankBySize_whichTheCodesDoNotCarry() throws {
        // Identical codes; the accuracy follows the parameter count alone.
        func family(count: Int, seed: UInt64) -> [PeepholeExample] {
            var generator = SeededGenerator(seed: seed)
            return (0..<count).map { _ in
                let parameters = Int.random(in: 1_000...1_000_000, using: &generator)
                return PeepholeExample(
                    codes: [.square(.convolution, kernel: 3), UnifiedLayerCode(type: .relu)], epoch: 20,
                    accuracy: 0.1 * log10(Double(parameters)), parameters: parameters, macs: 10 * parameters)
            }
        }
        var settings = Self.small
        settings.epochs = 30
        let (training, testing) = (family(count: 60, seed: 1), family(count: 40, seed: 2))
        let model = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        let tau = try XCTUnwrap(try KendallTau.tauB(try model.predict(testing), testing.map(\.accuracy)))
        XCTAssertGreaterThan(tau, 0.8, "with the statistics")
        settings.globalStatistics = false
        let blind = try PeepholeTrainer(settings: settings, seed: 4).fit(training).predict(testing)
        XCTAssertEqual(Set(blind).count, 1, "without them the codes cannot tell these networks apart")
    }

    func testModelFile_version1_stillLoads_asAModelWithoutTheExtensions() throws {
        var settings = Self.small
        settings.epochs = 2
        settings.globalStatistics = false
        settings.standardizeTargets = false
        settings.cosineDecay = false
        settings.minimumSteps = 0
        settings.averagedFraction = 0
        let examples = Self.examples(count: 20, seed: 6)
        let model = try PeepholeTrainer(settings: settings, seed: 1).fit(examples)
        // A version-1 file: no statistics, no target scaling, none of the extensions' settings.
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        json["formatVersion"] = 1
        for key in ["statistics", "targetShift", "targetScale"] { json.removeValue(forKey: key) }
        var stored = try XCTUnwrap(json["settings"] as? [String: Any])
        for key in ["globalStatistics", "standardizeTargets", "cosineDecay", "minimumSteps", "averagedFraction"] {
            stored.removeValue(forKey: key)
        }
        json["settings"] = stored
        let old = try PeepholeModel(data: try JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old.file.formatVersion, 1)
        XCTAssertEqual(old.file.settings, settings)
        XCTAssertEqual(try old.predict(examples), try model.predict(examples))
    }

    func testStandardizedTargets_predictOnTheAccuracyScale() throws {
        var settings = Self.small
        settings.epochs = 30
        let training = Self.examples(count: 60, seed: 2)
        let model = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        let mean = training.map(\.accuracy).reduce(0, +) / Double(training.count)
        XCTAssertEqual(try XCTUnwrap(model.file.targetShift), mean, accuracy: 1e-12)
        let predictions = try model.predict(training)
        XCTAssertEqual(predictions.reduce(0, +) / Double(predictions.count), mean, accuracy: 0.05)
        var file = model.file
        file.targetScale = 0
        XCTAssertThrowsError(try PeepholeModel(file: file))
    }

    func testTrainer_rejectsTooFewNetworks_andBadSettings() {
        XCTAssertThrowsError(try PeepholeTrainer(settings: Self.small).fit(Array(Self.examples(count: 1, seed: 1))))
        var settings = Self.small
        settings.batchSize = 1
        XCTAssertThrowsError(try PeepholeTrainer(settings: settings).fit(Self.examples(count: 4, seed: 1))) {
            XCTAssertEqual($0 as? PeepholeError, .invalidSettings("batchSize must be at least 2, not 1"))
        }
    }

    func testMinimumSteps_addPassesToASmallTrainingSet_only() {
        var settings = PeepholeSettings(epochs: 100, batchSize: 32, minimumSteps: 3200)
        XCTAssertEqual(settings.passes(forTrainingCount: 200), 458, "7 steps a pass: ⌈3200 / 7⌉")
        XCTAssertEqual(settings.passes(forTrainingCount: 1000), 100, "32 steps a pass already give 3200")
        XCTAssertEqual(settings.passes(forTrainingCount: 20), 3200, "one step a pass")
        settings.minimumSteps = 0
        XCTAssertEqual(settings.passes(forTrainingCount: 200), 100)
        for count in 1...70 {
            XCTAssertEqual(
                PeepholeTrainer.batchCount(forTrainingCount: count, size: 8),
                PeepholeTrainer.batches(of: Array(0..<count), size: 8).count, "\(count) networks")
        }
    }

    func testMinimumSteps_trainsTheSameScheduleAsMorePasses() throws {
        let examples = Self.examples(count: 20, seed: 5)
        var settings = Self.small
        settings.minimumSteps = 0
        settings.averagedFraction = 0
        settings.epochs = 6
        let longer = try PeepholeTrainer(settings: settings, seed: 3).fit(examples)
        // 20 networks in batches of 8 are 3 steps a pass: a floor of 16 steps means ⌈16 / 3⌉ = 6 passes.
        settings.epochs = 2
        settings.minimumSteps = 16
        XCTAssertEqual(settings.passes(forTrainingCount: 20), 6)
        let floored = try PeepholeTrainer(settings: settings, seed: 3).fit(examples)
        XCTAssertTrue(floored.file.state == longer.file.state, "the same parameters as 6 passes")
        settings.minimumSteps = 0
        let shorter = try PeepholeTrainer(settings: settings, seed: 3).fit(examples)
        XCTAssertFalse(shorter.file.state == longer.file.state, "2 passes without the floor")
    }

    func testWeightAverage_isTheMeanOfTheSnapshots_runningStatisticsIncluded() throws {
        var generator = SeededGenerator(seed: 1)
        let network = Sequential([
            Linear(inputSize: 2, outputSize: 3, using: &generator), BatchNormalization(featureCount: 3),
        ])
        let parameters = network.namedParameters.map(\.parameter)
        XCTAssertTrue(parameters.contains { !$0.isTrainable }, "the running statistics are parameters too")
        var snapshots: [[[Float]]] = []
        var average = WeightAverage()
        for round in 0..<3 {
            for (index, parameter) in parameters.enumerated() {
                for j in parameter.value.scalars.indices {
                    parameter.value.scalars[j] = Float(round * 7 + index) + 0.25 * Float(j)
                }
            }
            snapshots.append(parameters.map(\.value.scalars))
            try average.add(network)
        }
        XCTAssertEqual(average.count, 3)
        try average.load(into: network)
        for (index, parameter) in parameters.enumerated() {
            let expected = parameter.value.scalars.indices.map { j in
                snapshots.map { $0[index][j] }.reduce(0, +) / 3
            }
            XCTAssertEqual(parameter.value.scalars, expected)
        }
    }

    func testWeightAveraging_overOnePass_isTheLastPass_andOverMoreStillRanks() throws {
        let training = Self.examples(count: 80, seed: 2)
        let testing = Self.examples(count: 60, seed: 3)
        var settings = Self.small
        settings.epochs = 30
        settings.minimumSteps = 0
        settings.averagedFraction = 0
        let last = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        settings.averagedFraction = 0.01
        let one = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        XCTAssertTrue(one.file.state == last.file.state, "averaging over one pass keeps the last pass")
        settings.averagedFraction = 0.5
        let averaged = try PeepholeTrainer(settings: settings, seed: 4).fit(training)
        XCTAssertFalse(averaged.file.state == last.file.state, "averaging over 15 passes")
        let tau = try XCTUnwrap(try KendallTau.tauB(try averaged.predict(testing), testing.map(\.accuracy)))
        XCTAssertGreaterThan(tau, 0.5, "held-out Kendall τ of the averaged model")
        settings.averagedFraction = 1.5
        XCTAssertThrowsError(try PeepholeTrainer(settings: settings).fit(training)) {
            XCTAssertEqual($0 as? PeepholeError, .invalidSettings("averagedFraction must be in [0, 1], not 1.5"))
        }
    }

    func testModelFile_writtenBeforeTheStepFloorAndAveraging_readsAsNeither() throws {
        var settings = Self.small
        settings.epochs = 2
        settings.minimumSteps = 0
        settings.averagedFraction = 0
        let examples = Self.examples(count: 20, seed: 6)
        let model = try PeepholeTrainer(settings: settings, seed: 1).fit(examples)
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
        var stored = try XCTUnwrap(json["settings"] as? [String: Any])
        for key in ["minimumSteps", "averagedFraction"] { XCTAssertNotNil(stored.removeValue(forKey: key), key) }
        json["settings"] = stored
        let old = try PeepholeModel(data: try JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old.file.formatVersion, 2)
        XCTAssertEqual(old.file.settings, settings)
        XCTAssertEqual(try old.predict(examples), try model.predict(examples))
    }

    func testBatches_foldATrailingSingleIntoThePreviousBatch() {
        XCTAssertEqual(PeepholeTrainer.batches(of: Array(0..<9), size: 4), [[0, 1, 2, 3], [4, 5, 6, 7, 8]])
        XCTAssertEqual(PeepholeTrainer.batches(of: Array(0..<6), size: 4), [[0, 1, 2, 3], [4, 5]])
    }

    // MARK: - The gate

    private func candidate(_ notation: String, proposal: Int = 1) throws -> Candidate {
        Candidate(proposalID: proposal, network: try Network(notation: notation), hyperparameters: [:], budget: 20)
    }

    private static let gateSettings: PeepholeSettings = {
        var settings = small
        settings.epochs = 150
        settings.learningRate = 1e-2
        return settings
    }()

    /// One model for every gate test (fitting is the slow part): deeper convolution stacks train
    /// better in this toy run.
    private static let gateModel: Result<PeepholeModel, any Error> = Result {
        let gate = PeepholeGate(rule: .below(0), trainAfter: 12, retrainEvery: 5, settings: gateSettings, seed: 3)
        var examples: [PredictorExample] = []
        for depth in 1...12 {
            let layers = Array(repeating: "C(32,3,1)", count: (depth - 1) % 6 + 1).joined(separator: ", ")
            let accuracy = 0.2 + 0.1 * Double((depth - 1) % 6)
            let network = try Network(notation: "[\(layers), SM(10)]")
            examples.append(
                PredictorExample(
                    candidate: Candidate(proposalID: depth, network: network, hyperparameters: [:], budget: 2),
                    curve: [accuracy / 2, accuracy]))
        }
        guard let model = try gate.fit(examples, version: 1) as? PeepholeModel else {
            throw PeepholeError.numerics("the gate did not fit a Peephole model")
        }
        return model
    }

    private func trainedGate(rule: PeepholeVetoRule, audit: Double) throws -> (PeepholeGate, PeepholeModel) {
        let gate = PeepholeGate(
            rule: rule, trainAfter: 12, retrainEvery: 5, auditFraction: audit, settings: Self.gateSettings, seed: 3)
        return (gate, try Self.gateModel.get())
    }

    func testGate_schedule_isTrainAfterThenRetrainEvery() {
        let gate = PeepholeGate(rule: .below(0.5), trainAfter: 40, retrainEvery: 15)
        XCTAssertEqual(gate.schedule, ModelSchedule(burnIn: 40, cadence: 15))
        XCTAssertEqual(gate.name, "peephole")
    }

    func testGate_vetoesBelowTheQuantile_admitsAbove_andRecordsThePrediction() throws {
        let (gate, model) = try trainedGate(rule: .quantile(0.5), audit: 0)
        let shallow = try candidate("[C(32,3,1), SM(10)]")
        let deep = try candidate("[C(32,3,1), C(32,3,1), C(32,3,1), C(32,3,1), C(32,3,1), C(32,3,1), SM(10)]")
        guard case .veto(let low, _) = gate.evaluate(shallow, model: model) else {
            return XCTFail("the shallow network is predicted low: \(gate.evaluate(shallow, model: model))")
        }
        guard case .admit(let high?, _) = gate.evaluate(deep, model: model) else {
            return XCTFail(
                "the deep network is admitted with its prediction: \(gate.evaluate(deep, model: model)), "
                    + "median \(model.trainedQuantile(0.5) ?? -1)")
        }
        XCTAssertLessThan(low, high)
        XCTAssertEqual(gate.evaluate(shallow, model: nil), .admit(), "no model, no judgement")
    }

    func testGate_absoluteRule_and_audits() throws {
        let (never, model) = try trainedGate(rule: .below(2), audit: 0)
        let network = try candidate("[C(32,3,1), C(32,3,1), SM(10)]")
        guard case .veto = never.evaluate(network, model: model) else { return XCTFail("below 2 vetoes everything") }
        let (always, _) = try trainedGate(rule: .below(2), audit: 1)
        guard case .audit = always.evaluate(network, model: model) else {
            return XCTFail("audit_fraction 1 trains every would-be veto (an audit)")
        }
        // A fraction audits about that share of would-be vetoes, the same ones every time.
        let (some, _) = try trainedGate(rule: .below(2), audit: 0.25)
        let audited = try (1...400).filter { some.isAudited(try candidate("[C(32,3,1), SM(10)]", proposal: $0)) }
        XCTAssertEqual(Double(audited.count) / 400, 0.25, accuracy: 0.07)
        let again = try (1...400).filter { some.isAudited(try candidate("[C(32,3,1), SM(10)]", proposal: $0)) }
        XCTAssertEqual(audited, again)
    }

    func testGate_withATransferredModel_judgesFromTheStart_andRefitsFromIt() throws {
        let (base, model) = try trainedGate(rule: .quantile(0.5), audit: 0)
        let gate = PeepholeGate(
            rule: .quantile(0.5), trainAfter: 3, retrainEvery: 2, settings: base.settings, seed: 3, transferred: model)
        XCTAssertEqual(gate.schedule, ModelSchedule(burnIn: 1, cadence: 2))
        let one = [PredictorExample(candidate: try candidate("[C(32,3,1), SM(10)]"), curve: [0.3])]
        let early = try XCTUnwrap(try gate.fit(one, version: 1) as? PeepholeModel)
        XCTAssertEqual(try early.encoded(), try model.encoded(), "before train_after the transferred model judges")
        let shallow = try candidate("[C(32,3,1), SM(10)]")
        XCTAssertEqual(gate.evaluate(shallow, model: nil), base.evaluate(shallow, model: model))
        let three =
            one + [
                PredictorExample(candidate: try candidate("[C(32,3,1), C(32,3,1), SM(10)]"), curve: [0.5]),
                PredictorExample(candidate: try candidate("[C(32,5,1), SM(10)]"), curve: [0.4]),
            ]
        let refit = try XCTUnwrap(try gate.fit(three, version: 2) as? PeepholeModel)
        XCTAssertNotEqual(try refit.encoded(), try model.encoded())
        XCTAssertEqual(try gate.decodeModel(try refit.encoded()) as? PeepholeModel != nil, true)
    }
}
