import NASNumerics

/// RNAS's LeNet-5-like predictor (Xu et al. 2020, Table 1): 3×3 convolutions (padding 1) each
/// followed by batch normalization and ReLU, flattened into fully connected layers of 120 and 84
/// units with ReLU, and a last linear layer to one score. The 84 features before the last layer are
/// the ones the continuity (triplet) loss shapes.
public final class RNASPredictor: ParameterContainer {
    /// Everything up to the penultimate features.
    public let body: Sequential
    /// The last layer: features → score.
    public let head: Linear

    /// Builds the predictor for `[channels, side, side]` inputs, initialised from `generator`.
    ///
    /// - Throws: `RNASError.invalidSettings` for settings that do not validate.
    public init(
        inputChannels: Int, side: Int, settings: RNASSettings, using generator: inout some RandomNumberGenerator
    ) throws(RNASError) {
        try settings.validate()
        guard inputChannels > 0, side > 0 else {
            throw .invalidSettings("the input must have channels and extent, got \(inputChannels)×\(side)×\(side)")
        }
        var layers: [any Layer] = []
        var channels = inputChannels
        do {
            for width in settings.convolutionChannels {
                layers.append(
                    try Convolution2D(
                        inputChannels: channels, outputChannels: width, kernelSize: 3, padding: 1, using: &generator))
                layers.append(BatchNormalization(featureCount: width))
                layers.append(ReLU())
                channels = width
            }
        } catch {
            throw .numerics("\(error)")
        }
        layers.append(Flatten())
        var width = channels * side * side
        for units in settings.hiddenUnits {
            layers.append(Linear(inputSize: width, outputSize: units, using: &generator))
            layers.append(ReLU())
            width = units
        }
        body = Sequential(layers)
        head = Linear(inputSize: width, outputSize: 1, using: &generator)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        prefixedParameters("body", body) + prefixedParameters("head", head)
    }

    /// The penultimate features `[batch, 84]` and scores `[batch, 1]` of a `[batch, c, n, n]` batch.
    ///
    /// - Throws: `NeuralNetworkError` for an input of the wrong shape.
    public func forward(_ input: Tensor, context: ComputeContext) throws -> (features: Tensor, scores: Tensor) {
        let features = try body.forward(input, context: context)
        return (features, try head.forward(features, context: context))
    }

    /// Back-propagates the gradients of the scores and of the features through the last forward.
    ///
    /// - Throws: `NeuralNetworkError` when no forward came first or a shape differs.
    public func backward(scoreGradient: Tensor, featureGradient: Tensor?) throws {
        var gradient = try head.backward(scoreGradient)
        if let featureGradient { try gradient.add(featureGradient) }
        _ = try body.backward(gradient)
    }
}
