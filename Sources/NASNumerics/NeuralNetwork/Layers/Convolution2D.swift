/// A 2-D convolution (`nn.Conv2d`: cross-correlation, square stride and zero padding), computed as
/// one im2col matrix product over the whole batch.
public final class Convolution2D: Layer {
    /// The filters, `[outputChannels, inputChannels, kernelHeight, kernelWidth]`.
    public let weight: Parameter
    /// The bias, `[outputChannels]`, or nil.
    public let bias: Parameter?
    /// The step between neighbouring windows, in both directions.
    public let stride: Int
    /// Zeros added on every side of the input.
    public let padding: Int

    private struct Cache {
        var inputShape: [Int]
        var columns: [Float]
        var geometry: Geometry
        var parallelism: Parallelism
    }
    private var cache: Cache?

    /// The input channels.
    public var inputChannels: Int { weight.value.shape[1] }
    /// The output channels.
    public var outputChannels: Int { weight.value.shape[0] }

    /// Creates a convolution with PyTorch's default initialisation, `U(±1/√(inChannels·kh·kw))` for
    /// weight and bias.
    ///
    /// - Throws: `NeuralNetworkError.invalidConfiguration` for a non-positive size or stride, or a negative padding.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        hasBias: Bool = true, using generator: inout some RandomNumberGenerator
    ) throws {
        guard inputChannels > 0, outputChannels > 0, kernelSize > 0, stride > 0, padding >= 0 else {
            throw NeuralNetworkError.invalidConfiguration(
                layer: "Convolution2D",
                reason:
                    "channels \(inputChannels)→\(outputChannels), kernel \(kernelSize), stride \(stride), padding \(padding)"
            )
        }
        let fanIn = inputChannels * kernelSize * kernelSize
        let bound = WeightInitialization.defaultBound(fanIn: fanIn)
        weight = Parameter(
            WeightInitialization.uniform(
                shape: [outputChannels, inputChannels, kernelSize, kernelSize], bound: bound, using: &generator))
        bias =
            hasBias
            ? Parameter(WeightInitialization.uniform(shape: [outputChannels], bound: bound, using: &generator)) : nil
        self.stride = stride
        self.padding = padding
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [(name: "weight", parameter: weight)] + (bias.map { [(name: "bias", parameter: $0)] } ?? [])
    }

    /// Maps `[batch, inputChannels, height, width]` to `[batch, outputChannels, outHeight, outWidth]`
    /// with `out = (in + 2·padding − kernel) / stride + 1`.
    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        guard input.rank == 4, input.shape[1] == inputChannels else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Convolution2D.forward", expected: [-1, inputChannels, -1, -1], actual: input.shape)
        }
        let geometry = try Geometry(
            inputShape: input.shape, kernelHeight: weight.value.shape[2], kernelWidth: weight.value.shape[3],
            stride: stride, padding: padding, operation: "Convolution2D.forward")
        let columns = geometry.imageToColumns(input.scalars)
        let positions = geometry.outputHeight * geometry.outputWidth
        let columnCount = geometry.batch * positions
        var product = [Float](repeating: 0, count: outputChannels * columnCount)
        MatrixMultiply.multiply(
            m: outputChannels, n: columnCount, k: geometry.patchSize, weight.value.scalars, columns,
            into: &product, parallelism: context.parallelism)
        var output = Tensor(shape: [geometry.batch, outputChannels, geometry.outputHeight, geometry.outputWidth])
        for sample in 0..<geometry.batch {
            for channel in 0..<outputChannels {
                let shift = bias?.value.scalars[channel] ?? 0
                let source = channel * columnCount + sample * positions
                let destination = (sample * outputChannels + channel) * positions
                for position in 0..<positions {
                    output.scalars[destination + position] = product[source + position] + shift
                }
            }
        }
        cache = Cache(inputShape: input.shape, columns: columns, geometry: geometry, parallelism: context.parallelism)
        return output
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let cache else { throw NeuralNetworkError.backwardWithoutForward(layer: "Convolution2D") }
        let geometry = cache.geometry
        let expected = [geometry.batch, outputChannels, geometry.outputHeight, geometry.outputWidth]
        guard outputGradient.shape == expected else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Convolution2D.backward", expected: expected, actual: outputGradient.shape)
        }
        let positions = geometry.outputHeight * geometry.outputWidth
        let columnCount = geometry.batch * positions
        // [batch, out, positions] → [out, batch·positions], the layout of the forward product.
        var productGradient = [Float](repeating: 0, count: outputChannels * columnCount)
        for sample in 0..<geometry.batch {
            for channel in 0..<outputChannels {
                let source = (sample * outputChannels + channel) * positions
                let destination = channel * columnCount + sample * positions
                for position in 0..<positions {
                    productGradient[destination + position] = outputGradient.scalars[source + position]
                }
            }
        }
        MatrixMultiply.multiply(
            m: outputChannels, n: geometry.patchSize, k: columnCount, productGradient, cache.columns, transposeB: true,
            into: &weight.gradient.scalars, accumulate: true, parallelism: cache.parallelism)
        if let bias {
            for channel in 0..<outputChannels {
                var sum: Float = 0
                for column in 0..<columnCount {
                    sum += productGradient[channel * columnCount + column]
                }
                bias.gradient.scalars[channel] += sum
            }
        }
        var columnGradient = [Float](repeating: 0, count: geometry.patchSize * columnCount)
        MatrixMultiply.multiply(
            m: geometry.patchSize, n: columnCount, k: outputChannels, weight.value.scalars, transposeA: true,
            productGradient, into: &columnGradient, parallelism: cache.parallelism)
        var inputGradient = Tensor(shape: cache.inputShape)
        geometry.addColumnsToImage(columnGradient, into: &inputGradient.scalars)
        return inputGradient
    }
}

extension Convolution2D {
    /// The shapes of one convolution or pooling window sweep, and the im2col maps between an image
    /// batch and its patch matrix `[channels·kh·kw, batch·outHeight·outWidth]`.
    struct Geometry {
        let batch: Int, channels: Int, height: Int, width: Int
        let kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int
        let outputHeight: Int, outputWidth: Int

        var patchSize: Int { channels * kernelHeight * kernelWidth }

        init(
            inputShape: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int, operation: String
        ) throws {
            guard inputShape.count == 4 else {
                throw NeuralNetworkError.shapeMismatch(
                    operation: operation, expected: [-1, -1, -1, -1], actual: inputShape)
            }
            (batch, channels, height, width) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
            (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (
                kernelHeight, kernelWidth, stride, padding
            )
            let paddedHeight = height + 2 * padding
            let paddedWidth = width + 2 * padding
            guard paddedHeight >= kernelHeight, paddedWidth >= kernelWidth else {
                throw NeuralNetworkError.invalidConfiguration(
                    layer: operation,
                    reason:
                        "kernel \(kernelHeight)×\(kernelWidth) is larger than the padded input \(paddedHeight)×\(paddedWidth)"
                )
            }
            outputHeight = (paddedHeight - kernelHeight) / stride + 1
            outputWidth = (paddedWidth - kernelWidth) / stride + 1
        }

        /// The patch matrix of an image batch; taps that fall in the padding are zero.
        func imageToColumns(_ image: [Float]) -> [Float] {
            let positions = outputHeight * outputWidth
            let columnCount = batch * positions
            var columns = [Float](repeating: 0, count: patchSize * columnCount)
            for channel in 0..<channels {
                for ki in 0..<kernelHeight {
                    for kj in 0..<kernelWidth {
                        let patchRow = (channel * kernelHeight + ki) * kernelWidth + kj
                        for sample in 0..<batch {
                            let imageBase = (sample * channels + channel) * height * width
                            let columnBase = patchRow * columnCount + sample * positions
                            for oi in 0..<outputHeight {
                                let row = oi * stride - padding + ki
                                guard row >= 0, row < height else { continue }
                                for oj in 0..<outputWidth {
                                    let column = oj * stride - padding + kj
                                    guard column >= 0, column < width else { continue }
                                    columns[columnBase + oi * outputWidth + oj] =
                                        image[imageBase + row * width + column]
                                }
                            }
                        }
                    }
                }
            }
            return columns
        }

        /// The adjoint of `imageToColumns`: adds each patch entry back onto the pixel it came from.
        func addColumnsToImage(_ columns: [Float], into image: inout [Float]) {
            let positions = outputHeight * outputWidth
            let columnCount = batch * positions
            for channel in 0..<channels {
                for ki in 0..<kernelHeight {
                    for kj in 0..<kernelWidth {
                        let patchRow = (channel * kernelHeight + ki) * kernelWidth + kj
                        for sample in 0..<batch {
                            let imageBase = (sample * channels + channel) * height * width
                            let columnBase = patchRow * columnCount + sample * positions
                            for oi in 0..<outputHeight {
                                let row = oi * stride - padding + ki
                                guard row >= 0, row < height else { continue }
                                for oj in 0..<outputWidth {
                                    let column = oj * stride - padding + kj
                                    guard column >= 0, column < width else { continue }
                                    image[imageBase + row * width + column] +=
                                        columns[columnBase + oi * outputWidth + oj]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
