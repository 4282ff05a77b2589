import Foundation
import NASCore

/// nasd's extension to Peephole (docs/predictors.md, "Global statistics"): a network's global
/// structural statistics, concatenated to the LSTM's structural feature and the epoch embedding
/// before the MLP when `PeepholeSettings.globalStatistics` is on.
///
/// The Unified Layer Code keeps channel *ratios* only, so the LSTM cannot know a network's absolute
/// width; these statistics give the MLP what a random forest on simple features sees:
/// `log10(1 + parameters)`, `log10(1 + MACs)`, the code count (depth) and the count of each code
/// type 1…12. The trainer standardizes each over its training networks (`Standardization`).
public enum PeepholeStatistics {
    /// The length of the vector: log parameters, log MACs, depth and one count per code type.
    public static let count = 3 + UnifiedLayerCode.LayerType.allCases.count

    /// The statistics of a network given by its codes and size (0 where the size is unknown).
    public static func vector(codes: [UnifiedLayerCode], parameters: Int, macs: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: UnifiedLayerCode.LayerType.allCases.count)
        for code in codes { counts[code.type.rawValue - 1] += 1 }
        return [log10(1 + Double(max(parameters, 0))), log10(1 + Double(max(macs, 0))), Double(codes.count)] + counts
    }

    /// A network's parameter count and multiply-accumulates as nasd counts them: both from shape
    /// inference for a sequential network, the parameters of `NASBench101Network` (MACs 0) for a
    /// NAS-Bench-101 cell, and 0 for a NAS-Bench-201 cell: that network's size
    /// (`NASBench201Network`) is a fixed linear function of how many conv3×3 and conv1×1 edges the
    /// cell has, which the code-type counts already give, and models trained so far saw 0 there.
    ///
    /// - Throws: `PeepholeError.unencodable` when the network cannot be analysed.
    public static func size(of network: Network, input: TensorShape) throws(PeepholeError) -> (
        parameters: Int, macs: Int
    ) {
        switch network {
        case .sequential(let architecture):
            do {
                let analysis = try architecture.analyze(input: input)
                return (analysis.parameters, analysis.macs)
            } catch {
                throw .unencodable(network: network.notation, reason: "\(error)")
            }
        case .cell(let cell):
            do {
                return (try NASBench101Network().parameters(of: cell), 0)
            } catch {
                throw .unencodable(network: network.notation, reason: "\(error)")
            }
        case .nb201: return (0, 0)
        }
    }

    /// Per-statistic shift and scale fit on the training networks: `(x − shift) / scale`.
    public struct Standardization: Hashable, Sendable, Codable {
        /// The training mean of each statistic.
        public var shift: [Double]
        /// The training standard deviation of each statistic (1 where it is constant).
        public var scale: [Double]

        /// Fits the standardization of `vectors` (each of `PeepholeStatistics.count` values).
        public init(fitting vectors: [[Double]]) {
            let count = Double(max(vectors.count, 1))
            var shift = [Double](repeating: 0, count: PeepholeStatistics.count)
            var scale = [Double](repeating: 0, count: PeepholeStatistics.count)
            for vector in vectors { for (index, value) in vector.enumerated() { shift[index] += value / count } }
            for vector in vectors {
                for (index, value) in vector.enumerated() {
                    scale[index] += (value - shift[index]) * (value - shift[index]) / count
                }
            }
            self.shift = shift
            self.scale = scale.map { $0 > 1e-12 ? $0.squareRoot() : 1 }
        }

        /// `vector` standardized, as the network reads it.
        public func apply(_ vector: [Double]) -> [Float] {
            zip(vector, zip(shift, scale)).map { Float(($0 - $1.0) / $1.1) }
        }
    }
}
