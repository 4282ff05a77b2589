/// Batch normalization over axis 1 (Ioffe & Szegedy 2015), with PyTorch's conventions.
///
/// Accepts `[batch, features]` (`BatchNorm1d`) and `[batch, channels, …]` (`BatchNorm1d` over a
/// length, `BatchNorm2d` over height × width): statistics are taken per feature over every other
/// axis. In training mode the batch's mean and biased variance normalise the input, and the running
/// statistics move by `momentum`: `running = (1 − momentum)·running + momentum·batch`, with the
/// unbiased variance, as in PyTorch. In inference mode the running statistics normalise.
public final class BatchNormalization: Layer {
    /// The scale γ, `[features]`, initially 1.
    public let scale: Parameter
    /// The shift β, `[features]`, initially 0.
    public let shift: Parameter
    /// The running mean, `[features]` (saved, not trained).
    public let runningMean: Parameter
    /// The running variance, `[features]` (saved, not trained).
    public let runningVariance: Parameter
    /// The weight of the newest batch in the running statistics.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    private struct Cache {
        var shape: [Int]
        var normalized: [Float]
        var inverseDeviation: [Float]
        var usedBatchStatistics: Bool
    }
    private var cache: Cache?

    /// The number of features (channels).
    public var featureCount: Int { scale.value.count }

    /// Creates a layer for `featureCount` features.
    public init(featureCount: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        scale = Parameter(Tensor(shape: [featureCount], repeating: 1))
        shift = Parameter(Tensor(shape: [featureCount]))
        runningMean = Parameter(Tensor(shape: [featureCount]), isTrainable: false)
        runningVariance = Parameter(Tensor(shape: [featureCount], repeating: 1), isTrainable: false)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [
            (name: "weight", parameter: scale), (name: "bias", parameter: shift),
            (name: "running_mean", parameter: runningMean), (name: "running_var", parameter: runningVariance),
        ]
    }

    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        let features = featureCount
        guard input.rank >= 2, input.shape[1] == features else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "BatchNormalization.forward", expected: [-1, features], actual: input.shape)
        }
        let batch = input.shape[0]
        let spatial = input.shape.dropFirst(2).reduce(1, *)
        let samplesPerFeature = batch * spatial
        var mean = [Float](repeating: 0, count: features)
        var inverseDeviation = [Float](repeating: 0, count: features)
        if context.isTraining {
            guard samplesPerFeature > 1 else {
                throw NeuralNetworkError.invalidConfiguration(
                    layer: "BatchNormalization",
                    reason: "training needs more than one value per feature, got \(input.shape)")
            }
            for feature in 0..<features {
                var sum = 0.0
                forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) {
                    sum += Double(input.scalars[$0])
                }
                let batchMean = sum / Double(samplesPerFeature)
                var squares = 0.0
                forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) {
                    let deviation = Double(input.scalars[$0]) - batchMean
                    squares += deviation * deviation
                }
                let biasedVariance = squares / Double(samplesPerFeature)
                let unbiasedVariance = squares / Double(samplesPerFeature - 1)
                mean[feature] = Float(batchMean)
                inverseDeviation[feature] = Float(1 / (biasedVariance + Double(epsilon)).squareRoot())
                runningMean.value.scalars[feature] =
                    (1 - momentum) * runningMean.value.scalars[feature] + momentum * Float(batchMean)
                runningVariance.value.scalars[feature] =
                    (1 - momentum) * runningVariance.value.scalars[feature] + momentum * Float(unbiasedVariance)
            }
        } else {
            for feature in 0..<features {
                mean[feature] = runningMean.value.scalars[feature]
                inverseDeviation[feature] = 1 / (runningVariance.value.scalars[feature] + epsilon).squareRoot()
            }
        }
        var normalized = [Float](repeating: 0, count: input.count)
        var output = Tensor(shape: input.shape)
        for feature in 0..<features {
            let (mu, inverse) = (mean[feature], inverseDeviation[feature])
            let (gamma, beta) = (scale.value.scalars[feature], shift.value.scalars[feature])
            forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) { index in
                let value = (input.scalars[index] - mu) * inverse
                normalized[index] = value
                output.scalars[index] = gamma * value + beta
            }
        }
        cache = Cache(
            shape: input.shape, normalized: normalized, inverseDeviation: inverseDeviation,
            usedBatchStatistics: context.isTraining)
        return output
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let cache else { throw NeuralNetworkError.backwardWithoutForward(layer: "BatchNormalization") }
        guard outputGradient.shape == cache.shape else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "BatchNormalization.backward", expected: cache.shape, actual: outputGradient.shape)
        }
        let features = featureCount
        let batch = cache.shape[0]
        let spatial = cache.shape.dropFirst(2).reduce(1, *)
        let count = Double(batch * spatial)
        var inputGradient = Tensor(shape: cache.shape)
        for feature in 0..<features {
            var gradientSum = 0.0
            var weightedSum = 0.0
            forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) { index in
                gradientSum += Double(outputGradient.scalars[index])
                weightedSum += Double(outputGradient.scalars[index]) * Double(cache.normalized[index])
            }
            shift.gradient.scalars[feature] += Float(gradientSum)
            scale.gradient.scalars[feature] += Float(weightedSum)
            let gamma = Double(scale.value.scalars[feature])
            let inverse = Double(cache.inverseDeviation[feature])
            if cache.usedBatchStatistics {
                // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)): the batch statistics depend on x too.
                let meanGradient = gradientSum / count
                let meanWeighted = weightedSum / count
                forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) { index in
                    let centered =
                        Double(outputGradient.scalars[index]) - meanGradient
                        - Double(cache.normalized[index]) * meanWeighted
                    inputGradient.scalars[index] = Float(gamma * inverse * centered)
                }
            } else {
                forEachIndex(of: feature, batch: batch, features: features, spatial: spatial) { index in
                    inputGradient.scalars[index] = Float(gamma * inverse * Double(outputGradient.scalars[index]))
                }
            }
        }
        return inputGradient
    }

    /// Visits the storage indices of one feature, samples in increasing order (a fixed reduction order).
    @inline(__always)
    private func forEachIndex(of feature: Int, batch: Int, features: Int, spatial: Int, _ body: (Int) -> Void) {
        for sample in 0..<batch {
            let base = (sample * features + feature) * spatial
            for offset in 0..<spatial {
                body(base + offset)
            }
        }
    }
}
