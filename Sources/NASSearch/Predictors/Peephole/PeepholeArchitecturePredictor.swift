import Foundation
import NASCore
import NASNumerics

/// Peephole as a `LearnedPredictor` over a strategy's trained networks: the fitness of
/// `strategy: {kind: evolution, predictor: peephole}`, fit off the daemon's commit thread.
///
/// Each example is a network with its reward at the candidate's epoch budget; the score of a
/// network is Peephole's predicted accuracy at that budget. Model `version` is trained from
/// scratch (seeded by the run's seed and the version, as the prior's models are), or fine-tuned
/// from a transferred model (`strategy.predictor_model`) when one is given.
public struct PeepholeArchitecturePredictor: ArchitecturePredictor {
    /// Sizes and recipe of the models.
    public var settings: PeepholeSettings
    /// The input shape of the run's networks (channel ratios depend on it).
    public var input: TensorShape
    /// The epoch every prediction is made at (the candidates' budget).
    public var epoch: Int
    /// The run's seed.
    public var seed: UInt64
    /// Threads for fitting (the models do not depend on it).
    public var parallelism: Parallelism
    /// A trained model to fine-tune, or nil; its settings are used when given.
    public var transferred: PeepholeModel?

    /// Creates the predictor.
    public init(
        settings: PeepholeSettings = PeepholeSettings(), input: TensorShape, epoch: Int, seed: UInt64,
        parallelism: Parallelism = .serial, transferred: PeepholeModel? = nil
    ) {
        self.settings = transferred?.file.settings ?? settings
        self.input = input
        self.epoch = max(1, epoch)
        self.seed = seed
        self.parallelism = parallelism
        self.transferred = transferred
    }

    public var name: String { "peephole" }

    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        var training: [PeepholeExample] = []
        for example in examples {
            guard let reward = example.finalValue, reward.isFinite else { continue }
            do {
                training.append(
                    try PeepholeExample(
                        network: example.candidate.network, input: input, epoch: epoch, accuracy: reward))
            } catch {
                throw PredictorFitError("\(example.candidate.network.notation): \(error)")
            }
        }
        return try PeepholeTrainer.fitVersion(
            version, on: training, settings: settings, seed: seed, parallelism: parallelism, transferred: transferred)
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        try PeepholeModel.decodeStored(bytes)
    }

    public func makeScore(_ model: any PredictorModel) throws(PredictorFitError) -> (Network) throws -> Double {
        guard let model = model as? PeepholeModel else {
            throw PredictorFitError("not a Peephole model: \(type(of: model))")
        }
        let (input, epoch) = (input, epoch)
        return { network in try model.predict(network, input: input, epoch: epoch) }
    }
}
