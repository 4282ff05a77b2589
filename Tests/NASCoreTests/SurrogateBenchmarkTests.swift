import NASCore
import XCTest

final class SurrogateBenchmarkTests: XCTestCase {
    private let benchmark = SurrogateBenchmark()

    private let bestMetaQNN = Architecture(layers: [
        .convolution(filters: 512, kernel: 5, stride: 1), .convolution(filters: 256, kernel: 3, stride: 1),
        .convolution(filters: 256, kernel: 5, stride: 1), .convolution(filters: 256, kernel: 3, stride: 1),
        .maxPool(kernel: 5, stride: 3), .convolution(filters: 512, kernel: 3, stride: 1),
        .convolution(filters: 512, kernel: 5, stride: 1), .maxPool(kernel: 2, stride: 2), .softmax(classes: 10),
    ])

    private func metaQNNSample(count: Int, seed: UInt64) -> [Architecture] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in MetaQNNLikeSampler().sample(using: &generator) }
    }

    private func blockSample(count: Int, seed: UInt64) -> [Architecture] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in BlockLikeSampler().sample(using: &generator) }
    }

    func testCurve_isIdentical_forSameArchitectureSeedAndBudget() throws {
        for architecture in metaQNNSample(count: 50, seed: 1) + blockSample(count: 50, seed: 2) {
            let first = try benchmark.curve(for: architecture, seed: 42, budget: 20)
            let second = try SurrogateBenchmark().curve(for: architecture, seed: 42, budget: 20)
            XCTAssertEqual(first, second, architecture.notation)
            XCTAssertEqual(first.count, 20)
        }
    }

    func testCurve_differsSlightly_forAnotherSeed() throws {
        var differing = 0
        for architecture in metaQNNSample(count: 100, seed: 3) {
            let first = try benchmark.curve(for: architecture, seed: 1, budget: 20)
            let second = try benchmark.curve(for: architecture, seed: 2, budget: 20)
            if first != second { differing += 1 }
            XCTAssertLessThan(abs(first[19] - second[19]), 0.06, architecture.notation)
        }
        XCTAssertGreaterThan(differing, 80, "most non-divergent networks must move with the seed")
    }

    func testCurve_staysInUnitInterval_forMetaQNNAndBlockNetworks() throws {
        let architectures = metaQNNSample(count: 300, seed: 4) + blockSample(count: 200, seed: 5)
        for architecture in architectures {
            for budget in [1, 4, 20, 60] {
                let curve = try benchmark.curve(for: architecture, seed: 9, budget: budget)
                XCTAssertEqual(curve.count, budget)
                XCTAssertTrue(curve.allSatisfy { $0 >= 0 && $0 <= 1 }, architecture.notation)
            }
        }
    }

    func testDivergentNetworks_sitExactlyAtChance_everyEpoch() throws {
        var divergent = 0
        for architecture in metaQNNSample(count: 500, seed: 6) + blockSample(count: 200, seed: 7) {
            let evaluation = try benchmark.evaluate(architecture)
            guard evaluation.isDivergent else { continue }
            divergent += 1
            let curve = try benchmark.curve(for: architecture, seed: UInt64(divergent), budget: 12)
            XCTAssertEqual(curve, Array(repeating: 0.1, count: 12), architecture.notation)
            XCTAssertEqual(evaluation.expectedFinalAccuracy, 0.1)
        }
        XCTAssertGreaterThan(divergent, 10, "some networks must diverge")
        XCTAssertLessThan(divergent, 200, "most networks must learn")
    }

    func testChance_followsTheClassifierClasses() throws {
        let hundredClasses = Architecture(layers: [
            .convolution(filters: 64, kernel: 3, stride: 1), .softmax(classes: 100),
        ])
        let evaluation = try benchmark.evaluate(hundredClasses)
        XCTAssertEqual(evaluation.chance, 0.01, accuracy: 1e-12)
        XCTAssertEqual(evaluation.features.classes, 100)
    }

    func testFinalAccuracy_correlatesWithSimpleFeatures_butNotPerfectly() throws {
        var finals: [Double] = []
        var log10Parameters: [Double] = []
        var depths: [Double] = []
        for architecture in metaQNNSample(count: 500, seed: 8) {
            let evaluation = try benchmark.evaluate(architecture)
            finals.append(try benchmark.curve(for: architecture, seed: 1, budget: 20)[19])
            log10Parameters.append(evaluation.features.log10Parameters)
            depths.append(Double(evaluation.features.depth))
        }
        let byParameters = spearman(finals, log10Parameters)
        let byDepth = spearman(finals, depths)
        XCTAssert((0.2...0.9).contains(byParameters), "Spearman(final, log params) = \(byParameters)")
        XCTAssert((0.2...0.9).contains(byDepth), "Spearman(final, depth) = \(byDepth)")
        let spread = (finals.max() ?? 0) - (finals.filter { $0 > 0.1 }.min() ?? 0)
        XCTAssertGreaterThan(spread, 0.4, "learning networks must spread over a wide accuracy range")
    }

    func testCurve_jumpsAtTheLearningRateStep() throws {
        var jumps: [Double] = []
        var before: [Double] = []
        for architecture in metaQNNSample(count: 200, seed: 10) {
            let evaluation = try benchmark.evaluate(architecture)
            guard !evaluation.isDivergent, evaluation.finalAccuracy > 0.6 else { continue }
            let curve = try benchmark.curve(for: architecture, seed: 3, budget: 30)
            let step = try XCTUnwrap(benchmark.learningRateStepEpoch(budget: 30))
            XCTAssertEqual(step, 15)
            jumps.append(curve[step] - curve[step - 1])  // epoch step+1 minus epoch step
            before.append(curve[step - 1] - curve[step - 2])
        }
        XCTAssertGreaterThan(jumps.count, 30)
        let meanJump = jumps.reduce(0, +) / Double(jumps.count)
        let meanBefore = before.reduce(0, +) / Double(before.count)
        XCTAssertGreaterThan(meanJump, 0.04)
        XCTAssertLessThan(abs(meanBefore), 0.01)
        XCTAssertGreaterThan(jumps.filter { $0 > 0 }.count, jumps.count * 9 / 10)
    }

    func testLearningRateStep_isAtTheConfiguredFraction_orAbsent() {
        XCTAssertEqual(
            SurrogateBenchmark(configuration: .init(learningRateStepFraction: 0.25))
                .learningRateStepEpoch(budget: 20), 5)
        XCTAssertNil(
            SurrogateBenchmark(configuration: .init(learningRateStepFraction: nil))
                .learningRateStepEpoch(budget: 20))
        XCTAssertNil(benchmark.learningRateStepEpoch(budget: 1))
        XCTAssertEqual(benchmark.learningRate(atEpoch: 10, budget: 20, initialRate: 0.1), 0.1)
        XCTAssertEqual(benchmark.learningRate(atEpoch: 11, budget: 20, initialRate: 0.1), 0.01, accuracy: 1e-15)
    }

    func testCurve_saturates() throws {
        let noStep = SurrogateBenchmark(configuration: .init(learningRateStepFraction: nil))
        let curve = try noStep.curve(for: bestMetaQNN, seed: 5, budget: 60)
        let earlyGain = curve[4] - curve[0]
        let lateGain = abs(curve[55..<60].reduce(0, +) / 5 - curve[45..<50].reduce(0, +) / 5)
        XCTAssertGreaterThan(earlyGain, 0.1)
        XCTAssertLessThan(lateGain, 0.01)
        let stepped = try benchmark.curve(for: bestMetaQNN, seed: 5, budget: 60)
        let afterStep = abs(stepped[55..<60].reduce(0, +) / 5 - stepped[40..<45].reduce(0, +) / 5)
        XCTAssertLessThan(afterStep, 0.01)
    }

    func testLearningRate_mattersALittle() throws {
        var losses: [Double] = []
        for architecture in metaQNNSample(count: 100, seed: 11) {
            let usual = try benchmark.evaluate(architecture, hyperparameters: ["learning_rate": 0.01])
            let tiny = try benchmark.evaluate(architecture, hyperparameters: ["learning_rate": 0.0001])
            XCTAssertGreaterThanOrEqual(tiny.divergenceProbability, 0)
            if !usual.isDivergent { losses.append(usual.finalAccuracy - tiny.finalAccuracy) }
            let huge = try benchmark.evaluate(architecture, hyperparameters: ["learning_rate": 1.0])
            XCTAssertGreaterThan(huge.divergenceProbability, usual.divergenceProbability)
        }
        XCTAssertTrue(losses.allSatisfy { $0 > 0 && $0 < 0.2 }, "\(losses.min() ?? 0)…\(losses.max() ?? 0)")
    }

    func testSaturatingActivations_divergeMoreOften_thanBatchNormReLU() throws {
        func network(_ activation: Layer, batchNorm: Bool) -> Architecture {
            var layers: [Layer] = []
            for _ in 0..<12 {
                layers.append(.convolution(filters: 64, kernel: 3, stride: 1))
                if batchNorm { layers.append(.batchNorm) }
                layers.append(activation)
            }
            layers += [.maxPool(kernel: 2, stride: 2), .globalAveragePool, .softmax(classes: 10)]
            return Architecture(layers: layers)
        }
        let plainSigmoid = try benchmark.evaluate(network(.sigmoid, batchNorm: false))
        let batchNormReLU = try benchmark.evaluate(network(.relu, batchNorm: true))
        XCTAssertGreaterThan(plainSigmoid.divergenceProbability, 0.5)
        XCTAssertLessThan(batchNormReLU.divergenceProbability, 0.1)
        XCTAssertGreaterThan(batchNormReLU.finalAccuracy, plainSigmoid.finalAccuracy)
    }

    func testPoolingSpreadOverDepth_beatsPoolingEverythingFirst() throws {
        let convolution = Layer.convolution(filters: 128, kernel: 3, stride: 1)
        let spread = Architecture(layers: [
            convolution, convolution, .maxPool(kernel: 2, stride: 2), convolution, convolution,
            .maxPool(kernel: 2, stride: 2), convolution, convolution, .maxPool(kernel: 2, stride: 2),
            .softmax(classes: 10),
        ])
        let early = Architecture(layers: [
            convolution, .maxPool(kernel: 2, stride: 2), convolution, .maxPool(kernel: 2, stride: 2), convolution,
            .maxPool(kernel: 2, stride: 2), convolution, convolution, convolution, .softmax(classes: 10),
        ])
        let withoutIdiosyncrasy = SurrogateBenchmark(configuration: .init(architectureNoise: 0))
        let spreadEvaluation = try withoutIdiosyncrasy.evaluate(spread)
        let earlyEvaluation = try withoutIdiosyncrasy.evaluate(early)
        XCTAssertLessThan(
            spreadEvaluation.features.poolingPlacementError, earlyEvaluation.features.poolingPlacementError)
        XCTAssertEqual(spreadEvaluation.features.depth, earlyEvaluation.features.depth)
        XCTAssertGreaterThan(spreadEvaluation.finalAccuracy, earlyEvaluation.finalAccuracy + 0.02)
    }

    func testDropout_doesNotChangeTheCurve() throws {
        let withDropout = Architecture(layers: [
            .convolution(filters: 64, kernel: 3, stride: 1), .dropout(index: 1, count: 2),
            .maxPool(kernel: 2, stride: 2),
            .dropout(index: 2, count: 2), .softmax(classes: 10),
        ])
        let without = Architecture(
            layers: withDropout.layers.filter {
                if case .dropout = $0 { return false }
                return true
            })
        XCTAssertEqual(
            try benchmark.curve(for: withDropout, seed: 3, budget: 10),
            try benchmark.curve(for: without, seed: 3, budget: 10))
    }

    func testSalt_selectsAnotherSyntheticWorld() throws {
        let other = SurrogateBenchmark(configuration: .init(salt: 99))
        let architectures = metaQNNSample(count: 20, seed: 12)
        let differing = try architectures.filter {
            try benchmark.evaluate($0).quality != other.evaluate($0).quality
        }
        XCTAssertEqual(differing.count, architectures.count)
    }

    func testImpossibleArchitecture_throwsArchitectureError() {
        let impossible = Architecture(layers: [.maxPool(kernel: 64, stride: 2), .softmax(classes: 10)])
        XCTAssertThrowsError(try benchmark.curve(for: impossible, seed: 1, budget: 5)) { error in
            XCTAssertTrue(error is ArchitectureError)
        }
    }

    func testCurveForTrialSpec_usesItsSeedBudgetAndInput() throws {
        let spec = TrialSpec(
            trialID: "t1", runName: "r", architecture: bestMetaQNN, hyperparameters: [:], seed: 77, epochBudget: 8,
            startEpoch: 0, checkpointDirectory: "/tmp/x")
        XCTAssertEqual(try benchmark.curve(for: spec), try benchmark.curve(for: bestMetaQNN, seed: 77, budget: 8))
    }
}

/// Peephole-style block networks (ALGORITHMS.md §3), enough to exercise the surrogate on BN,
/// activations and average pooling: three stages of a repeated block, max pooling after each,
/// then global average pooling and the classifier.
struct BlockLikeSampler {
    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Architecture {
        var block: [Layer] = []
        let activations: [Layer] = [.relu, .relu, .relu, .sigmoid, .tanh]
        var convolutions = 0
        while convolutions < 3 && block.count < 8 {
            let filters = [16, 32, 64, 96, 128].randomElement(using: &generator) ?? 32
            let kernel = Int.random(in: 1...5, using: &generator)
            block.append(.convolution(filters: filters, kernel: kernel, stride: 1))
            convolutions += 1
            if Double.random(in: 0..<1, using: &generator) < 0.6 { block.append(.batchNorm) }
            block.append(activations.randomElement(using: &generator) ?? .relu)
            if Bool.random(using: &generator) { break }
        }
        var layers: [Layer] = []
        let copies = Int.random(in: 1...2, using: &generator)
        for _ in 0..<3 {
            for _ in 0..<copies { layers += block }
            layers.append(.maxPool(kernel: 2, stride: 2))
        }
        layers += [.globalAveragePool, .softmax(classes: 10)]
        return Architecture(layers: layers)
    }
}

/// Random networks of the MetaQNN space, enough for the surrogate's statistical tests: uniform
/// over the legal actions of ALGORITHMS.md §1 (no pool first or after a pool, FC only at size ≤ 4
/// and at most two in a row with non-growing widths, kernels smaller than the current size).
struct MetaQNNLikeSampler {
    var maxDepth = 12
    var inputSize = 32
    var classes = 10

    private enum Action {
        case convolution(filters: Int, kernel: Int)
        case pool(kernel: Int, stride: Int)
        case fullyConnected(units: Int)
        case softmax
        case classifierHead
    }

    func sample<G: RandomNumberGenerator>(using generator: inout G) -> Architecture {
        var layers: [Layer] = []
        var size = inputSize
        var previous: Layer?
        var consecutiveFC = 0
        var lastUnits = Int.max
        while true {
            var actions: [Action] = []
            let isFC: Bool
            if case .fullyConnected = previous { isFC = true } else { isFC = false }
            let isPool: Bool
            if case .maxPool = previous { isPool = true } else { isPool = false }
            if layers.count < maxDepth {
                if !isFC {
                    for filters in [64, 128, 256, 512] {
                        for kernel in [1, 3, 5] where kernel == 1 || kernel < size {
                            actions.append(.convolution(filters: filters, kernel: kernel))
                        }
                    }
                    if previous != nil && !isPool {
                        for (kernel, stride) in [(5, 3), (3, 2), (2, 2)] where kernel < size {
                            actions.append(.pool(kernel: kernel, stride: stride))
                        }
                    }
                }
                if (isFC && consecutiveFC < 2) || (!isFC && previous != nil && size <= 4) {
                    for units in [512, 256, 128] where units <= lastUnits {
                        actions.append(.fullyConnected(units: units))
                    }
                }
            }
            if previous != nil {
                actions.append(.softmax)
                if !isFC { actions.append(.classifierHead) }
            }
            switch actions[Int.random(in: 0..<actions.count, using: &generator)] {
            case .convolution(let filters, let kernel):
                let layer = Layer.convolution(filters: filters, kernel: kernel, stride: 1)
                layers.append(layer)
                previous = layer
            case .pool(let kernel, let stride):
                let layer = Layer.maxPool(kernel: kernel, stride: stride)
                layers.append(layer)
                size = (size - kernel) / stride + 1
                previous = layer
            case .fullyConnected(let units):
                let layer = Layer.fullyConnected(units: units)
                layers.append(layer)
                consecutiveFC += 1
                lastUnits = units
                previous = layer
            case .softmax:
                layers.append(.softmax(classes: classes))
                return Architecture(layers: layers)
            case .classifierHead:
                layers.append(.classifierHead(classes: classes))
                layers.append(.softmax(classes: classes))
                return Architecture(layers: layers)
            }
        }
    }
}

/// Spearman's rank correlation with average ranks for ties.
func spearman(_ x: [Double], _ y: [Double]) -> Double {
    func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { result[order[position]] = rank }
            start = end + 1
        }
        return result
    }
    let rx = ranks(x)
    let ry = ranks(y)
    let mx = rx.reduce(0, +) / Double(rx.count)
    let my = ry.reduce(0, +) / Double(ry.count)
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in rx.indices {
        sxy += (rx[i] - mx) * (ry[i] - my)
        sxx += (rx[i] - mx) * (rx[i] - mx)
        syy += (ry[i] - my) * (ry[i] - my)
    }
    return sxy / (sxx * syy).squareRoot()
}
