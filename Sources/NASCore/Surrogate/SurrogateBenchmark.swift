import Foundation

/// A deterministic synthetic benchmark: the validation-accuracy curve a network "would" have,
/// computed from its architecture, hyperparameters and a run seed (model in docs/surrogate.md).
///
/// Final accuracy is a logistic function of architecture features (capacity, depth, width,
/// pooling placement, receptive field, activations) with interactions and a per-network
/// idiosyncratic term drawn from the canonical hash, so that search strategies and predictors have
/// something learnable but not trivial to find. Some networks diverge and sit at chance. Curves
/// saturate, carry noise and jump at a learning-rate step. The same architecture, hyperparameters,
/// seed and budget always give the same curve; another seed gives a slightly different one.
public struct SurrogateBenchmark: Hashable, Sendable {
    /// The model's knobs; the defaults are documented in docs/surrogate.md.
    public var configuration: Configuration

    /// Creates a benchmark with the given configuration.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Scores a network without drawing a curve: its features, whether it diverges and its final
    /// accuracy under the full learning-rate schedule (before run noise).
    ///
    /// - Parameters:
    ///   - architecture: the network.
    ///   - input: the input shape `[C,H,W]`.
    ///   - hyperparameters: training hyperparameters; `configuration.learningRateKey` is read.
    /// - Throws: `ArchitectureError` when the network cannot be built for `input`.
    public func evaluate(
        _ architecture: Architecture, input: TensorShape = .cifar, hyperparameters: [String: Double] = [:]
    ) throws(ArchitectureError) -> SurrogateEvaluation {
        let analysis = try architecture.analyze(input: input)
        let features = SurrogateFeatures(analysis: analysis)
        let key = networkKey(architecture)
        var architectureRandom = SplitMix64(seed: Self.mix(key, Self.label("architecture")))
        let idiosyncrasy = Self.gaussian(&architectureRandom)
        let divergenceDraw = Self.uniform(&architectureRandom)

        let c = configuration
        let learningRate = max(hyperparameters[c.learningRateKey] ?? c.defaultLearningRate, 1e-8)
        let optimalLog10Rate = log10(c.defaultLearningRate) + 0.5 * features.batchNormFraction
        let rateOffset = log10(learningRate) - optimalLog10Rate
        let p = features.log10Parameters

        var quality = c.baseQuality
        quality += 1.0 * tanh((p - 5.0) / 0.8)
        quality -= 0.8 * pow(max(0, p - 7.2), 2)
        let convolutionDepth = Double(features.convolutionCount)
        quality += 0.9 * (1 - exp(-convolutionDepth / 3))
        quality -= 0.07 * max(0, Double(features.depth) - 10) * (1 - 0.7 * features.batchNormFraction)
        if features.convolutionCount > 0 {
            quality += 0.12 * (features.meanLog2Width - 7) * min(convolutionDepth, 6) / 6
        }
        quality -= 1.6 * features.poolingPlacementError
        quality += 0.6 * max(-3, log2(max(features.receptiveFieldCoverage, 1e-6)))
        quality -= 1.2 * features.sigmoidFraction + 0.4 * features.tanhFraction
        quality += 0.25 * features.batchNormFraction
        quality -= 0.2 * Double(max(0, features.fullyConnectedCount - 1))
        quality -= 0.15 * rateOffset * rateOffset
        quality += c.architectureNoise * idiosyncrasy

        var divergenceLogit = c.baseDivergenceLogit
        divergenceLogit += 0.35 * max(0, Double(features.depth) - 8) * (1 - features.batchNormFraction)
        divergenceLogit += 2.5 * features.sigmoidFraction * min(1, Double(features.depth) / 6)
        divergenceLogit += 1.5 * max(0, rateOffset - 0.5)
        divergenceLogit += 0.8 * max(0, p - 7.5)
        let divergenceProbability = Self.logistic(divergenceLogit)

        let chance = 1 / Double(features.classes)
        let ceiling = c.ceiling - 0.12 * log10(max(1, Double(features.classes) / 10))
        let finalAccuracy = chance + (max(ceiling, chance) - chance) * Self.logistic(quality)
        let rateSpeed = min(2, max(0.5, pow(c.defaultLearningRate / learningRate, 0.25)))
        let convergenceEpochs = (1.5 + 0.25 * Double(features.depth)) * rateSpeed
        return SurrogateEvaluation(
            features: features, quality: quality, divergenceProbability: divergenceProbability,
            isDivergent: divergenceDraw < divergenceProbability, chance: chance, finalAccuracy: finalAccuracy,
            convergenceEpochs: convergenceEpochs, learningRate: learningRate)
    }

    /// The validation-accuracy curve of one training run, epochs `1…budget`.
    ///
    /// - Parameters:
    ///   - architecture: the network.
    ///   - input: the input shape `[C,H,W]`.
    ///   - hyperparameters: training hyperparameters.
    ///   - seed: the run seed; it only moves the noise.
    ///   - budget: the number of epochs; the learning-rate step sits at a fraction of it.
    /// - Returns: `budget` accuracies in [0, 1]; all exactly `1/classes` for a divergent network.
    /// - Throws: `ArchitectureError` when the network cannot be built for `input`.
    public func curve(
        for architecture: Architecture, input: TensorShape = .cifar, hyperparameters: [String: Double] = [:],
        seed: UInt64, budget: Int
    ) throws(ArchitectureError) -> [Double] {
        let evaluation = try evaluate(architecture, input: input, hyperparameters: hyperparameters)
        return curve(of: evaluation, key: networkKey(architecture), seed: seed, budget: budget)
    }

    /// The curve for a trial spec: its architecture, input, hyperparameters, seed and budget.
    ///
    /// - Returns: the curve, or `nil` when the spec's network is a cell (the surrogate models
    ///   sequential networks only).
    /// - Throws: `ArchitectureError` when the network cannot be built for the spec's input.
    public func curve(for spec: TrialSpec) throws(ArchitectureError) -> [Double]? {
        guard let architecture = spec.architecture else { return nil }
        return try curve(
            for: architecture, input: spec.input, hyperparameters: spec.hyperparameters, seed: spec.seed,
            budget: spec.epochBudget)
    }

    /// The epoch after which the learning rate drops, for a budget; `nil` when there is no step.
    ///
    /// It is `round(fraction · budget)`, kept within `1…budget−1`.
    public func learningRateStepEpoch(budget: Int) -> Int? {
        guard let fraction = configuration.learningRateStepFraction, fraction > 0, fraction < 1, budget >= 2 else {
            return nil
        }
        return min(budget - 1, max(1, Int((fraction * Double(budget)).rounded())))
    }

    /// The learning rate in force during `epoch`: the initial rate, divided by 10 after the step.
    public func learningRate(atEpoch epoch: Int, budget: Int, initialRate: Double) -> Double {
        guard let step = learningRateStepEpoch(budget: budget), epoch > step else { return initialRate }
        return initialRate * 0.1
    }

    // MARK: - The curve

    private func curve(of evaluation: SurrogateEvaluation, key: UInt64, seed: UInt64, budget: Int) -> [Double] {
        guard budget > 0 else { return [] }
        if evaluation.isDivergent {
            return Array(repeating: evaluation.chance, count: budget)
        }
        let c = configuration
        var random = SplitMix64(seed: Self.mix(Self.mix(key, Self.label("run")), seed))
        let runFinal = min(1, max(evaluation.chance, evaluation.finalAccuracy + c.runNoise * Self.gaussian(&random)))
        let jump = c.jumpFraction * (runFinal - evaluation.chance)
        let step = learningRateStepEpoch(budget: budget)
        var points: [Double] = []
        points.reserveCapacity(budget)
        for epoch in 1...budget {
            let t = Double(epoch)
            let progress = 1 - exp(-t / evaluation.convergenceEpochs)
            var remainingGap = 1.0
            var noise = c.epochNoise
            if let step, epoch > step {
                remainingGap = exp(-(t - Double(step)) / c.stepSharpness)
                noise /= 2.5
            }
            let mean = evaluation.chance + (runFinal - evaluation.chance) * progress - jump * progress * remainingGap
            points.append(min(1, max(0, mean + noise * Self.gaussian(&random))))
        }
        return points
    }

    // MARK: - Deterministic randomness

    /// The network's random key: FNV-1a over its canonical hash, mixed with the benchmark's salt.
    private func networkKey(_ architecture: Architecture) -> UInt64 {
        Self.mix(Self.label(architecture.canonicalHash), configuration.salt)
    }

    /// FNV-1a 64 of a string: turns a hex hash or a stream name into a word.
    static func label(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Combines two words into a well-mixed one (one SplitMix64 step over their combination), so
    /// that streams for different keys and seeds are independent.
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: a ^ (b &* 0x9e37_79b9_7f4a_7c15))
        return generator.next()
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    static func uniform(_ random: inout SplitMix64) -> Double {
        Double(random.next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box–Muller).
    static func gaussian(_ random: inout SplitMix64) -> Double {
        let u1 = 1 - uniform(&random)  // (0, 1]
        let u2 = uniform(&random)
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }

    static func logistic(_ x: Double) -> Double {
        1 / (1 + exp(-x))
    }
}
