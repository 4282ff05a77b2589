import NASNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How an RNAS feature tensor is prepared for the predictor, fitted on the training tensors.
///
/// The type matrix (channel 0) holds small integer codes on the edges; it is expanded into one 0/1
/// plane per code, so the convolutions see operation types as categories rather than as an ordered
/// scale. Every other channel holds counts (FLOPs, parameters) spanning orders of magnitude: a
/// present entry x > 0 becomes `0.1 + 0.9·(log x − lo) / (hi − lo)`, with lo and hi the least and
/// greatest `log x` of that channel over the training set (clamped to [0.1, 1] for unseen values), an
/// absent one stays 0. The affine map on the logarithm keeps the contrast between, say, a 1×1 and a
/// 3×3 convolution (a factor of 9 in FLOPs) that a plain `log(1 + x) / max` squeezes into a few percent.
public struct RNASInputScaling: Sendable, Equatable, Codable {
    /// Type codes 1…`typeCodes` get a plane each (codes above it share the last).
    public var typeCodes: Int
    /// Per count channel (1…), the least and greatest `log x` of its present entries.
    public var logRanges: [ClosedRange<Float>]

    /// Fits the scaling on training tensors `[c, n, n]` of one shape.
    public init(fitting inputs: [Tensor]) {
        let channels = inputs.first?.shape.first ?? 1
        let plane = channels > 0 ? (inputs.first?.count ?? 0) / channels : 0
        var maximumCode: Float = 1
        var lows = [Float](repeating: .infinity, count: max(0, channels - 1))
        var highs = [Float](repeating: -.infinity, count: max(0, channels - 1))
        for input in inputs {
            for index in 0..<plane { maximumCode = max(maximumCode, input.scalars[index].rounded()) }
            for channel in 1..<max(1, channels) {
                for index in (channel * plane)..<((channel + 1) * plane) where input.scalars[index] > 0 {
                    let value = log(input.scalars[index])
                    lows[channel - 1] = min(lows[channel - 1], value)
                    highs[channel - 1] = max(highs[channel - 1], value)
                }
            }
        }
        typeCodes = Int(maximumCode)
        logRanges = zip(lows, highs).map { low, high in low <= high ? low...high : 0...0 }
    }

    /// The shape of a prepared tensor: `typeCodes + c − 1` planes.
    public func preparedShape(for shape: [Int]) -> [Int] {
        [typeCodes + shape[0] - 1] + shape.dropFirst()
    }

    /// Prepares one tensor (of the fitted shape).
    public func apply(_ tensor: Tensor) -> Tensor {
        let channels = tensor.shape[0]
        let plane = tensor.count / max(1, channels)
        var result = Tensor(shape: preparedShape(for: tensor.shape))
        for index in 0..<plane {
            let code = Int(tensor.scalars[index].rounded())
            guard code > 0 else { continue }
            result.scalars[(min(code, typeCodes) - 1) * plane + index] = 1
        }
        for channel in 1..<max(1, channels) {
            let range = logRanges[channel - 1]
            let width = range.upperBound - range.lowerBound
            let destination = (typeCodes + channel - 1) * plane
            for index in 0..<plane {
                let value = tensor.scalars[channel * plane + index]
                guard value > 0 else { continue }
                let position = width > 0 ? (log(value) - range.lowerBound) / width : 1
                result.scalars[destination + index] = 0.1 + 0.9 * min(1, max(0, position))
            }
        }
        return result
    }
}
