import NASCore
import NASNumerics

/// A fitted RNAS ranker as a value: its settings, the input shape and scaling it was fitted with,
/// and the predictor's parameters — one predictor's, or with `settings.ensembleSize` K > 1 each of
/// the K members' with the mean and standard deviation of its scores of the training networks.
/// Encodable (JSON), so a strategy can keep it in its snapshot and a run store can keep it under a
/// model version.
public struct RNASModel: Sendable, Equatable, Codable {
    /// The settings the predictor was built and trained with.
    public var settings: RNASSettings
    /// `[channels, side, side]` of the feature tensors (before `scaling`).
    public var inputShape: [Int]
    /// How tensors are prepared for the predictor.
    public var scaling: RNASInputScaling
    /// The predictor's parameters (batch normalization's running statistics included); an
    /// ensemble's first member.
    public var state: ModelState
    /// An ensemble's other K − 1 members' parameters, in order; empty for one ranker.
    public var additionalStates: [ModelState]
    /// An ensemble's K members' score standardizations (the first member's first); empty for one
    /// ranker, whose score is the predictor's output as it is.
    public var standardizations: [RNASScoreStandardization]

    /// Creates a model from its parts (as `RNASRanker.fit` and decoding do).
    public init(
        settings: RNASSettings, inputShape: [Int], scaling: RNASInputScaling, state: ModelState,
        additionalStates: [ModelState] = [], standardizations: [RNASScoreStandardization] = []
    ) {
        self.settings = settings
        self.inputShape = inputShape
        self.scaling = scaling
        self.state = state
        self.additionalStates = additionalStates
        self.standardizations = standardizations
    }

    /// Decodes a model; the ensemble's parts may be missing (models of one ranker written before
    /// ensembles existed).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        settings = try container.decode(RNASSettings.self, forKey: .settings)
        inputShape = try container.decode([Int].self, forKey: .inputShape)
        scaling = try container.decode(RNASInputScaling.self, forKey: .scaling)
        state = try container.decode(ModelState.self, forKey: .state)
        additionalStates = try container.decodeIfPresent([ModelState].self, forKey: .additionalStates) ?? []
        standardizations =
            try container.decodeIfPresent([RNASScoreStandardization].self, forKey: .standardizations) ?? []
    }

    /// Every member's parameters, the first member's first.
    public var memberStates: [ModelState] { [state] + additionalStates }

    /// Stacks `[c, n, n]` tensors into one `[batch, c, n, n]` batch.
    static func stack(_ tensors: [Tensor], shape: [Int]) -> Tensor {
        var batch = Tensor(shape: [tensors.count] + shape)
        let size = shape.reduce(1, *)
        for (index, tensor) in tensors.enumerated() {
            batch.scalars.replaceSubrange((index * size)..<((index + 1) * size), with: tensor.scalars)
        }
        return batch
    }

    /// A predictor holding this model's parameters, for many predictions.
    ///
    /// - Throws: `RNASError` when the state does not fit the settings (a corrupted model), or an
    ///   ensemble's members or standardizations are not `settings.ensembleSize`.
    public func makeScorer() throws(RNASError) -> RNASScorer {
        guard inputShape.count == 3 else { throw .shapeMismatch(expected: [-1, -1, -1], actual: inputShape) }
        let members = memberStates
        guard members.count == settings.ensembleSize else {
            throw .numerics("the model has \(members.count) members; its settings say \(settings.ensembleSize)")
        }
        guard standardizations.count == (members.count > 1 ? members.count : 0),
            standardizations.allSatisfy({
                $0.mean.isFinite && $0.standardDeviation.isFinite && $0.standardDeviation > 0
            })
        else {
            throw .numerics(
                "the model has \(standardizations.count) valid score standardizations for \(members.count) members")
        }
        var predictors: [RNASPredictor] = []
        for member in members {
            var generator = SeededGenerator(seed: 0)
            let predictor = try RNASPredictor(
                inputChannels: scaling.preparedShape(for: inputShape)[0], side: inputShape[1], settings: settings,
                using: &generator)
            do {
                try predictor.load(member)
            } catch {
                throw .numerics("the model's state does not fit its settings: \(error)")
            }
            predictors.append(predictor)
        }
        return RNASScorer(model: self, predictors: predictors)
    }
}

/// How an ensemble member's scores are put on a common scale before they are averaged: the mean
/// and the standard deviation of the member's scores of the networks it was trained on.
public struct RNASScoreStandardization: Sendable, Equatable, Codable {
    /// The mean training score.
    public var mean: Double
    /// The standard deviation of the training scores (positive).
    public var standardDeviation: Double

    /// The standardization of `scores` (a standard deviation of 0 counts as 1).
    public init(scores: [Double]) {
        let count = Double(max(1, scores.count))
        let mean = scores.reduce(0, +) / count
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        self.mean = mean
        self.standardDeviation = variance > 0 && variance.isFinite ? variance.squareRoot() : 1
    }

    /// `(score − mean) / standardDeviation`.
    public func apply(_ score: Double) -> Double { (score - mean) / standardDeviation }
}

/// A fitted model ready to score feature tensors (inference mode: batch normalization uses its
/// running statistics). Not thread-safe: the predictor's layers remember their last forward pass.
public final class RNASScorer {
    /// The model scored with.
    public let model: RNASModel
    private let predictors: [RNASPredictor]

    init(model: RNASModel, predictors: [RNASPredictor]) {
        self.model = model
        self.predictors = predictors
    }

    /// The scores of `tensors` (higher ranks better), in batches of `batchSize`: one ranker's
    /// outputs, or the mean of an ensemble's standardized outputs plus `exploration` κ times their
    /// sample standard deviation (an optimistic score: where the K members disagree, the network
    /// may be better than their mean says; `strategy.predictor_exploration`). One ranker has no
    /// spread, so κ changes nothing there.
    ///
    /// - Throws: `RNASError.shapeMismatch` for a tensor of another shape.
    public func scores(
        _ tensors: [Tensor], batchSize: Int = 256, exploration: Double = 0, parallelism: Parallelism = .serial
    ) throws(RNASError) -> [Double] {
        for tensor in tensors where tensor.shape != model.inputShape {
            throw .shapeMismatch(expected: model.inputShape, actual: tensor.shape)
        }
        var result: [Double] = []
        result.reserveCapacity(tensors.count)
        var start = 0
        while start < tensors.count {
            let end = min(tensors.count, start + max(1, batchSize))
            let batch = RNASModel.stack(
                tensors[start..<end].map { model.scaling.apply($0) },
                shape: model.scaling.preparedShape(for: model.inputShape))
            let context = ComputeContext(isTraining: false, parallelism: parallelism)
            do {
                if model.standardizations.isEmpty {
                    let output = try predictors[0].forward(batch, context: context)
                    result.append(contentsOf: output.scores.scalars.map(Double.init))
                } else {
                    var memberScores: [[Double]] = []
                    for (predictor, standardization) in zip(predictors, model.standardizations) {
                        let output = try predictor.forward(batch, context: context)
                        memberScores.append(output.scores.scalars.map { standardization.apply(Double($0)) })
                    }
                    for index in 0..<(end - start) {
                        result.append(Self.optimisticScore(memberScores.map { $0[index] }, exploration: exploration))
                    }
                }
            } catch {
                throw .numerics("\(error)")
            }
            start = end
        }
        return result
    }

    /// The mean of an ensemble's standardized `scores` of one network plus `exploration` times
    /// their sample standard deviation (0 for fewer than two scores).
    static func optimisticScore(_ scores: [Double], exploration: Double) -> Double {
        let count = Double(scores.count)
        let mean = scores.reduce(0, +) / count
        guard exploration != 0, scores.count > 1 else { return mean }
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
        return mean + exploration * variance.squareRoot()
    }

    /// The score of one network, encoded for an `input` of this shape (it sets a sequential
    /// network's FLOPs and parameter counts), with an ensemble's `exploration` as in `scores`.
    ///
    /// - Throws: `RNASError` when it cannot be encoded as the model's tensors are.
    public func score(_ network: Network, input: TensorShape = .cifar, exploration: Double = 0) throws(RNASError)
        -> Double
    {
        try scores([RNASFeatureTensor.encode(network, input: input)], exploration: exploration)[0]
    }
}
