import NASCore
import NASNumerics

/// A fitted RNAS ranker as a value: its settings, the input shape and scaling it was fitted with,
/// and the predictor's parameters. Encodable (JSON), so a strategy can keep it in its snapshot and
/// a run store can keep it under a model version.
public struct RNASModel: Sendable, Equatable, Codable {
    /// The settings the predictor was built and trained with.
    public var settings: RNASSettings
    /// `[channels, side, side]` of the feature tensors (before `scaling`).
    public var inputShape: [Int]
    /// How tensors are prepared for the predictor.
    public var scaling: RNASInputScaling
    /// The predictor's parameters (batch normalization's running statistics included).
    public var state: ModelState

    /// Creates a model from its parts (as `RNASRanker.fit` and decoding do).
    public init(settings: RNASSettings, inputShape: [Int], scaling: RNASInputScaling, state: ModelState) {
        self.settings = settings
        self.inputShape = inputShape
        self.scaling = scaling
        self.state = state
    }

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
    /// - Throws: `RNASError` when the state does not fit the settings (a corrupted model).
    public func makeScorer() throws(RNASError) -> RNASScorer {
        guard inputShape.count == 3 else { throw .shapeMismatch(expected: [-1, -1, -1], actual: inputShape) }
        var generator = SeededGenerator(seed: 0)
        let predictor = try RNASPredictor(
            inputChannels: scaling.preparedShape(for: inputShape)[0], side: inputShape[1], settings: settings,
            using: &generator)
        do {
            try predictor.load(state)
        } catch {
            throw .numerics("the model's state does not fit its settings: \(error)")
        }
        return RNASScorer(model: self, predictor: predictor)
    }
}

/// A fitted model ready to score feature tensors (inference mode: batch normalization uses its
/// running statistics). Not thread-safe: the predictor's layers remember their last forward pass.
public final class RNASScorer {
    /// The model scored with.
    public let model: RNASModel
    private let predictor: RNASPredictor

    init(model: RNASModel, predictor: RNASPredictor) {
        self.model = model
        self.predictor = predictor
    }

    /// The scores of `tensors` (higher ranks better), in batches of `batchSize`.
    ///
    /// - Throws: `RNASError.shapeMismatch` for a tensor of another shape.
    public func scores(_ tensors: [Tensor], batchSize: Int = 256, parallelism: Parallelism = .serial)
        throws(RNASError) -> [Double]
    {
        for tensor in tensors where tensor.shape != model.inputShape {
            throw .shapeMismatch(expected: model.inputShape, actual: tensor.shape)
        }
        var result: [Double] = []
        result.reserveCapacity(tensors.count)
        var start = 0
        while start < tensors.count {
            let end = min(tensors.count, start + max(1, batchSize))
            let inputs = tensors[start..<end].map { model.scaling.apply($0) }
            do {
                let output = try predictor.forward(
                    RNASModel.stack(inputs, shape: model.scaling.preparedShape(for: model.inputShape)),
                    context: ComputeContext(isTraining: false, parallelism: parallelism))
                result.append(contentsOf: output.scores.scalars.map(Double.init))
            } catch {
                throw .numerics("\(error)")
            }
            start = end
        }
        return result
    }

    /// The score of one network, encoded for an `input` of this shape (it sets a sequential
    /// network's FLOPs and parameter counts).
    ///
    /// - Throws: `RNASError` when it cannot be encoded as the model's tensors are.
    public func score(_ network: Network, input: TensorShape = .cifar) throws(RNASError) -> Double {
        try scores([RNASFeatureTensor.encode(network, input: input)])[0]
    }
}

