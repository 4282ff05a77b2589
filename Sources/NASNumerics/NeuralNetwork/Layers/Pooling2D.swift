/// 2-D max or average pooling (`nn.MaxPool2d`, `nn.AvgPool2d` with `count_include_pad=True`,
/// floor rounding).
///
/// Max pooling pads with −∞ and sends each window's gradient to its first maximal element (the one
/// PyTorch picks); average pooling divides by the full window, padding included.
public final class Pooling2D: Layer {
    /// Which statistic summarises a window.
    public enum Kind: String, Sendable, Codable {
        case max
        case average
    }

    /// The statistic.
    public let kind: Kind
    /// The window's side.
    public let kernelSize: Int
    /// The step between windows (PyTorch's default is the kernel size).
    public let stride: Int
    /// Padding on every side (at most half the kernel, as PyTorch requires).
    public let padding: Int

    private struct Cache {
        var inputShape: [Int]
        var geometry: Convolution2D.Geometry
        /// For max pooling, the storage index of each output's maximum (−1 when the window is all padding).
        var argmax: [Int]
    }
    private var cache: Cache?

    /// Creates a pooling layer; `stride` defaults to `kernelSize`.
    ///
    /// - Throws: `NeuralNetworkError.invalidConfiguration` for a non-positive kernel or stride, or a
    ///   padding above half the kernel.
    public init(_ kind: Kind, kernelSize: Int, stride: Int? = nil, padding: Int = 0) throws {
        let stride = stride ?? kernelSize
        guard kernelSize > 0, stride > 0, padding >= 0, 2 * padding <= kernelSize else {
            throw NeuralNetworkError.invalidConfiguration(
                layer: "Pooling2D", reason: "kernel \(kernelSize), stride \(stride), padding \(padding)")
        }
        self.kind = kind
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    /// Maps `[batch, channels, height, width]` to `[batch, channels, outHeight, outWidth]`.
    public func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        let geometry = try Convolution2D.Geometry(
            inputShape: input.shape, kernelHeight: kernelSize, kernelWidth: kernelSize, stride: stride,
            padding: padding, operation: "Pooling2D.forward")
        let planes = geometry.batch * geometry.channels
        let (height, width) = (geometry.height, geometry.width)
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        var output = Tensor(shape: [geometry.batch, geometry.channels, outputHeight, outputWidth])
        var argmax = [Int](repeating: -1, count: kind == .max ? output.count : 0)
        let windowArea = Float(kernelSize * kernelSize)
        for plane in 0..<planes {
            let planeBase = plane * height * width
            for oi in 0..<outputHeight {
                for oj in 0..<outputWidth {
                    var best = -Float.infinity
                    var bestIndex = -1
                    var sum: Float = 0
                    for ki in 0..<kernelSize {
                        let row = oi * stride - padding + ki
                        guard row >= 0, row < height else { continue }
                        for kj in 0..<kernelSize {
                            let column = oj * stride - padding + kj
                            guard column >= 0, column < width else { continue }
                            let index = planeBase + row * width + column
                            let value = input.scalars[index]
                            sum += value
                            if value > best || bestIndex < 0 {
                                best = value
                                bestIndex = index
                            }
                        }
                    }
                    let outputIndex = (plane * outputHeight + oi) * outputWidth + oj
                    switch kind {
                    case .max:
                        output.scalars[outputIndex] = best
                        argmax[outputIndex] = bestIndex
                    case .average:
                        output.scalars[outputIndex] = sum / windowArea
                    }
                }
            }
        }
        cache = Cache(inputShape: input.shape, geometry: geometry, argmax: argmax)
        return output
    }

    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        guard let cache else { throw NeuralNetworkError.backwardWithoutForward(layer: "Pooling2D") }
        let geometry = cache.geometry
        let expected = [geometry.batch, geometry.channels, geometry.outputHeight, geometry.outputWidth]
        guard outputGradient.shape == expected else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "Pooling2D.backward", expected: expected, actual: outputGradient.shape)
        }
        var inputGradient = Tensor(shape: cache.inputShape)
        switch kind {
        case .max:
            for (outputIndex, inputIndex) in cache.argmax.enumerated() where inputIndex >= 0 {
                inputGradient.scalars[inputIndex] += outputGradient.scalars[outputIndex]
            }
        case .average:
            let (height, width) = (geometry.height, geometry.width)
            let windowArea = Float(kernelSize * kernelSize)
            for plane in 0..<(geometry.batch * geometry.channels) {
                for oi in 0..<geometry.outputHeight {
                    for oj in 0..<geometry.outputWidth {
                        let share =
                            outputGradient.scalars[(plane * geometry.outputHeight + oi) * geometry.outputWidth + oj]
                            / windowArea
                        for ki in 0..<kernelSize {
                            let row = oi * stride - padding + ki
                            guard row >= 0, row < height else { continue }
                            for kj in 0..<kernelSize {
                                let column = oj * stride - padding + kj
                                guard column >= 0, column < width else { continue }
                                inputGradient.scalars[plane * height * width + row * width + column] += share
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
