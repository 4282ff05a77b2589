import Foundation
import NASCore
import NASNumerics

/// RNAS's ranker as a `LearnedPredictor`: the fitness of `strategy: {kind: evolution, predictor:
/// rnas}`, fit off the daemon's commit thread.
///
/// Model `version` is fit on the examples' networks and last curve values with the seed
/// `seed + version` (so a resumed run fits bit-identical models; `RNASRanker.fit`): from scratch,
/// or — with a transferred model (`strategy.predictor_model`) — by fine-tuning that model, always
/// from its own weights (never from the previous version's).
public struct RNASArchitecturePredictor: ArchitecturePredictor {
    /// The ranker's settings.
    public var settings: RNASSettings
    /// The run's seed.
    public var seed: UInt64
    /// Threads for the fit's kernels (the model does not depend on it).
    public var parallelism: Parallelism
    /// A trained ranker to fine-tune, or nil; its settings are used when given.
    public var transferred: RNASModel?
    /// The input the run's networks take (`space.input`): a sequential network's FLOPs and
    /// parameter counts, in its feature tensor, depend on it.
    public var input: TensorShape
    /// κ ≥ 0: an ensemble model scores a network as its members' mean standardized score plus κ
    /// times their standard deviation (`RNASScorer.scores`); 0 ranks by the mean alone.
    public var exploration: Double

    /// Creates the predictor; with a transferred model, its settings are used for every fit.
    public init(
        settings: RNASSettings = RNASSettings(), seed: UInt64, parallelism: Parallelism = .serial,
        transferred: RNASModel? = nil, input: TensorShape = .cifar, exploration: Double = 0
    ) {
        self.settings = transferred?.settings ?? settings
        self.seed = seed
        self.parallelism = parallelism
        self.transferred = transferred
        self.input = input
        self.exploration = exploration
    }

    public var name: String { "rnas" }

    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        do {
            var inputs: [Tensor] = []
            var targets: [Double] = []
            for example in examples {
                guard let reward = example.finalValue else { continue }
                inputs.append(try RNASFeatureTensor.encode(example.candidate.network, input: input))
                targets.append(reward)
            }
            return try RNASRanker.fit(
                inputs: inputs, targets: targets, settings: settings, seed: seed &+ UInt64(truncatingIfNeeded: version),
                parallelism: parallelism, startingFrom: transferred)
        } catch {
            throw PredictorFitError("the RNAS ranker could not be fitted: \(error)")
        }
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        do {
            return try JSONDecoder().decode(RNASModel.self, from: bytes)
        } catch {
            throw PredictorFitError("not an RNAS model: \(error)")
        }
    }

    public func makeScore(_ model: any PredictorModel) throws(PredictorFitError) -> (Network) throws -> Double {
        guard let model = model as? RNASModel else { throw PredictorFitError("not an RNAS model: \(type(of: model))") }
        let scorer: RNASScorer
        do {
            scorer = try model.makeScorer()
        } catch {
            throw PredictorFitError("\(error)")
        }
        return { [input, exploration] network in try scorer.score(network, input: input, exploration: exploration) }
    }
}

extension RNASModel: PredictorModel {
    /// The model as JSON (sorted keys: the same model gives the same bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
