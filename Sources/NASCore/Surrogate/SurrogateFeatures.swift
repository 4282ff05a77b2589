import Foundation

/// The architecture features the surrogate benchmark's accuracy model reads (docs/surrogate.md).
///
/// Dropout is ignored throughout: the surrogate scores the canonical form of a network, the same
/// identity that "already trained?" uses.
public struct SurrogateFeatures: Hashable, Sendable {
    /// The number of classes of the classifier (`SM(k)` or `GAP(k)`).
    public var classes: Int
    /// Convolutions, not counting a `GAP(k)` classifier head.
    public var convolutionCount: Int
    /// Fully connected layers, not counting the softmax classifier.
    public var fullyConnectedCount: Int
    /// Weight layers below the classifier: convolutions plus fully connected layers.
    public var depth: Int
    /// The mean of `log2(filters)` over the convolutions (0 without convolutions).
    public var meanLog2Width: Double
    /// `log10` of the parameter count.
    public var log10Parameters: Double
    /// How far the spatial reductions are from an even schedule, in [0, 1]; early reductions
    /// count double (docs/surrogate.md).
    public var poolingPlacementError: Double
    /// The receptive field of the last spatial layer over the input height, capped at 1.
    public var receptiveFieldCoverage: Double
    /// Batch-norm layers per convolution, capped at 1.
    public var batchNormFraction: Double
    /// The share of sigmoid activations among explicit activations (0 without any).
    public var sigmoidFraction: Double
    /// The share of tanh activations among explicit activations (0 without any).
    public var tanhFraction: Double

    /// Extracts the features of a network from its shape analysis.
    ///
    /// - Parameter analysis: `architecture.analyze(input:)` of the network.
    public init(analysis: ArchitectureAnalysis) {
        let inputHeight = max(analysis.input.height, 1)
        var classes = 10
        var convolutions: [(filters: Int, inputHeight: Int)] = []
        var fullyConnected = 0
        var batchNorms = 0
        var relus = 0
        var sigmoids = 0
        var tanhs = 0
        var receptiveField = 1
        var jump = 1
        var isSpatial = true
        for entry in analysis.layers {
            switch entry.layer {
            case .convolution(let filters, let kernel, let stride):
                convolutions.append((filters, entry.input.height))
                if isSpatial {
                    receptiveField += (kernel - 1) * jump
                    jump *= max(stride, 1)
                }
            case .maxPool(let kernel, let stride), .avgPool(let kernel, let stride):
                if isSpatial {
                    receptiveField += (kernel - 1) * jump
                    jump *= max(stride, 1)
                }
            case .fullyConnected:
                fullyConnected += 1
                isSpatial = false
            case .globalAveragePool:
                isSpatial = false
            case .classifierHead(let count), .softmax(let count):
                classes = count
                isSpatial = false
            case .batchNorm: batchNorms += 1
            case .relu: relus += 1
            case .sigmoid: sigmoids += 1
            case .tanh: tanhs += 1
            case .dropout: break
            }
        }
        let activations = relus + sigmoids + tanhs
        self.classes = max(classes, 2)
        convolutionCount = convolutions.count
        fullyConnectedCount = fullyConnected
        depth = convolutions.count + fullyConnected
        meanLog2Width =
            convolutions.isEmpty
            ? 0 : convolutions.map { log2(Double(max($0.filters, 1))) }.reduce(0, +) / Double(convolutions.count)
        log10Parameters = log10(Double(max(analysis.parameters, 1)))
        receptiveFieldCoverage = min(1, Double(receptiveField) / Double(inputHeight))
        batchNormFraction = convolutions.isEmpty ? 0 : min(1, Double(batchNorms) / Double(convolutions.count))
        sigmoidFraction = activations == 0 ? 0 : Double(sigmoids) / Double(activations)
        tanhFraction = activations == 0 ? 0 : Double(tanhs) / Double(activations)
        poolingPlacementError = Self.placementError(
            convolutionInputHeights: convolutions.map(\.inputHeight), inputHeight: inputHeight)
    }

    /// The mean distance, in halvings of the spatial size, between where each convolution works
    /// and an even schedule that reaches 4×4 at the last convolution, counting a reduction that
    /// comes too early twice (it throws away resolution the later layers needed; one that comes
    /// too late already costs parameters and MACs); divided by the number of halvings of that
    /// schedule and capped at 1. No convolutions at all scores 1.
    static func placementError(convolutionInputHeights heights: [Int], inputHeight: Int) -> Double {
        guard !heights.isEmpty else { return 1 }
        let halvings = max(1, log2(Double(inputHeight) / 4))
        var total = 0.0
        for (index, height) in heights.enumerated() {
            let position = (Double(index) + 0.5) / Double(heights.count)
            let actual = log2(Double(inputHeight) / Double(max(height, 1)))
            let ideal = position * halvings
            total += 2 * max(0, actual - ideal) + max(0, ideal - actual)
        }
        return min(1, total / Double(heights.count) / halvings)
    }
}
