import Foundation
import NASCore
import NASNumerics

/// Trains Peephole (Deng et al. 2017, §3.3): smooth L1 between the predicted and the true
/// final-epoch accuracy, averaged over each mini-batch, minimized with Adam.
///
/// Deterministic: the same examples, settings and seed give the same model bit for bit,
/// whatever `parallelism` is (NASNumerics' kernels reduce in a fixed order).
public struct PeepholeTrainer: Sendable {
    /// Sizes and recipe.
    public var settings: PeepholeSettings
    /// Seeds the initialization and the mini-batch order.
    public var seed: UInt64
    /// Threads the matrix kernels may use (does not change the result).
    public var parallelism: Parallelism

    /// Creates a trainer.
    public init(settings: PeepholeSettings = PeepholeSettings(), seed: UInt64 = 0, parallelism: Parallelism = .serial) {
        self.settings = settings
        self.seed = seed
        self.parallelism = parallelism
    }

    /// Trains a model on `examples`, in the given order.
    ///
    /// - Parameters:
    ///   - examples: the networks and their final accuracies.
    ///   - initial: a model to fine-tune (a transferred model's file, of the same settings; its
    ///     statistics' standardization is kept), or nil to start from the seeded initialization.
    /// - Throws: `PeepholeError.insufficientData` for fewer than 2 examples, an empty code
    ///   sequence or a non-finite accuracy; `.invalidSettings`; `.numerics` (a bug).
    public func fit(
        _ examples: [PeepholeExample], startingFrom initial: PeepholeModelFile? = nil
    ) throws(PeepholeError) -> PeepholeModel {
        try settings.validate()
        guard examples.count >= 2 else {
            throw .insufficientData("at least 2 networks are needed, got \(examples.count)")
        }
        for (index, example) in examples.enumerated() {
            guard !example.codes.isEmpty else { throw .insufficientData("network \(index + 1) has no layer codes") }
            guard example.accuracy.isFinite else {
                throw .insufficientData("network \(index + 1)'s accuracy is not finite")
            }
        }
        var initialization = SeededGenerator.derived(from: seed, stream: "peephole.init")
        let network = PeepholeNetwork(settings: settings, using: &initialization)
        let meanAccuracy = examples.reduce(0) { $0 + $1.accuracy } / Double(examples.count)
        let spread =
            (examples.reduce(0) { $0 + ($1.accuracy - meanAccuracy) * ($1.accuracy - meanAccuracy) }
            / Double(examples.count)).squareRoot()
        // Standardized targets: Adam's steps are a fixed size in parameter units, so the raw
        // accuracies' small spread (often a few points) would make them coarse in target units.
        let (targetShift, targetScale) =
            settings.standardizeTargets
            ? (initial?.targetShift ?? meanAccuracy, initial?.targetScale ?? (spread > 1e-9 ? spread : 1)) : (0.0, 1.0)
        if let initial {
            do {
                try network.load(initial.state)
            } catch {
                throw .invalidSettings("the starting model does not fit the settings: \(error)")
            }
        } else if let bias = network.head.bias {
            // Start at the mean accuracy rather than near 0: the first steps then learn ranking, not level.
            bias.value.scalars[0] = Float((meanAccuracy - targetShift) / targetScale)
        }
        let standardization =
            settings.globalStatistics
            ? initial?.statistics ?? PeepholeStatistics.Standardization(fitting: examples.map(\.statistics)) : nil
        let statistics = examples.map { standardization?.apply($0.statistics) ?? [] }
        let loss = SmoothL1Loss(beta: settings.smoothL1Beta)
        var optimizer = Adam(learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        let parameters = network.trainableParameters
        var shuffling = SeededGenerator.derived(from: seed, stream: "peephole.batches")
        let training = ComputeContext(isTraining: true, parallelism: parallelism)
        let passes = settings.passes(forTrainingCount: examples.count)
        let averaged = settings.averagedFraction > 0 ? settings.averagedPasses(outOf: passes) : 0
        var average = WeightAverage()
        do {
            for pass in 0..<passes {
                if settings.cosineDecay {
                    let progress = Double(pass) / Double(passes)
                    optimizer.learningRate = Float(
                        Double(settings.learningRate) * 0.5 * (1 + cos(Double.pi * progress)))
                }
                let order = Array(examples.indices).shuffled(using: &shuffling)
                for batch in Self.batches(of: order, size: settings.batchSize) {
                    let chosen = batch.map { examples[$0] }
                    network.zeroGradients()
                    let predictions = try network.forward(
                        chosen.map(\.codes), epochs: chosen.map(\.epoch), statistics: batch.map { statistics[$0] },
                        context: training)
                    let targets = try Tensor(
                        shape: [chosen.count, 1],
                        scalars: chosen.map { Float(($0.accuracy - targetShift) / targetScale) })
                    let value = try loss.evaluate(predictions: predictions, targets: targets)
                    try network.backward(value.gradient)
                    try optimizer.step(parameters)
                }
                if pass >= passes - averaged {
                    try average.add(network)
                }
            }
            try average.load(into: network)
            let inference = ComputeContext(isTraining: false, parallelism: parallelism)
            var trained: [Double] = []
            for batch in Self.batches(of: Array(examples.indices), size: 256) {
                let chosen = batch.map { examples[$0] }
                trained += try network.forward(
                    chosen.map(\.codes), epochs: chosen.map(\.epoch), statistics: batch.map { statistics[$0] },
                    context: inference
                ).scalars.map { Double($0) * targetScale + targetShift }
            }
            let file = PeepholeModelFile(
                settings: settings, seed: seed, state: network.state(), trainedPredictions: trained.sorted(),
                trainedEpochs: Set(examples.map(\.epoch)).sorted(), statistics: standardization,
                targetShift: targetShift, targetScale: targetScale)
            return try PeepholeModel(file: file)
        } catch let error as PeepholeError {
            throw error
        } catch {
            throw .numerics("\(error)")
        }
    }

    /// The mini-batches (optimizer steps) of one pass over `count` networks.
    static func batchCount(forTrainingCount count: Int, size: Int) -> Int {
        guard count > 0, size > 0 else { return 0 }
        let slices = (count + size - 1) / size
        return slices >= 2 && count % size == 1 ? slices - 1 : slices
    }

    /// Consecutive slices of `order` of `size`; a last slice of one joins the one before it
    /// (batch normalization cannot train on a single network).
    static func batches(of order: [Int], size: Int) -> [[Int]] {
        var batches = stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
        if batches.count >= 2, let last = batches.last, last.count == 1 {
            batches.removeLast()
            batches[batches.count - 1] += last
        }
        return batches
    }
}
