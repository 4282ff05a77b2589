import NASNumerics

/// Peephole's network (Deng et al. 2017, Fig. 2): layer embedding → LSTM → structural feature,
/// concatenated with the epoch embedding (and, nasd's extension, the standardized global
/// statistics when `settings.globalStatistics` is on) → MLP → predicted accuracy, with its backward pass.
///
/// Not thread-safe (layers remember their last forward); `PeepholeModel` guards its copy.
final class PeepholeNetwork: ParameterContainer {
    let settings: PeepholeSettings
    let typeTable: Embedding
    let kernelTable: Embedding
    let channelTable: Embedding
    let epochTable: Embedding
    let lstm: LSTM
    let mlp: Sequential
    /// The output layer (its bias starts at the mean target).
    let head: Linear

    private struct Cache {
        var types: [Int]
        var widths: [Int]
        var heights: [Int]
        var channels: [Int]
        var epochs: [Int]
        var batch: Int
        var steps: Int
    }
    private var cache: Cache?

    init(settings: PeepholeSettings, using generator: inout some RandomNumberGenerator) {
        self.settings = settings
        typeTable = Embedding(
            count: UnifiedLayerCode.LayerType.allCases.count + 1, dimension: settings.typeDimension, using: &generator)
        kernelTable = Embedding(
            count: UnifiedLayerCode.largestKernel + 1, dimension: settings.kernelDimension, using: &generator)
        channelTable = Embedding(
            count: UnifiedLayerCode.channelRatioCentres.count, dimension: settings.channelDimension, using: &generator)
        epochTable = Embedding(count: settings.epochTableSize, dimension: settings.epochDimension, using: &generator)
        lstm = LSTM(inputSize: settings.layerEmbeddingDimension, hiddenSize: settings.hiddenSize, using: &generator)
        var layers: [any Layer] = []
        var width = settings.mlpInputDimension
        for _ in 0..<(settings.mlpLayers - 1) {
            layers.append(Linear(inputSize: width, outputSize: settings.mlpHiddenSize, using: &generator))
            layers.append(BatchNormalization(featureCount: settings.mlpHiddenSize))
            layers.append(ReLU())
            width = settings.mlpHiddenSize
        }
        head = Linear(inputSize: width, outputSize: 1, using: &generator)
        layers.append(head)
        mlp = Sequential(layers)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        prefixedParameters("type", typeTable) + prefixedParameters("kernel", kernelTable)
            + prefixedParameters("channel", channelTable) + prefixedParameters("epoch", epochTable)
            + prefixedParameters("lstm", lstm) + prefixedParameters("mlp", mlp)
    }

    /// The epoch table's row for a 1-based epoch.
    func epochRow(_ epoch: Int) -> Int { min(max(epoch, 1), settings.epochTableSize) - 1 }

    /// Predicts `[batch, 1]` for sequences of codes, the epochs to predict at and, when
    /// `settings.globalStatistics` is on, each network's standardized statistics (else ignored).
    func forward(
        _ sequences: [[UnifiedLayerCode]], epochs: [Int], statistics: [[Float]], context: ComputeContext
    ) throws -> Tensor {
        let batch = sequences.count
        let steps = sequences.map(\.count).max() ?? 0
        var types = [Int](repeating: 1, count: batch * steps)
        var widths = [Int](repeating: 1, count: batch * steps)
        var heights = [Int](repeating: 1, count: batch * steps)
        var channels = [Int](repeating: UnifiedLayerCode.unitChannelBin, count: batch * steps)
        for (row, codes) in sequences.enumerated() {
            for (step, code) in codes.enumerated() {
                let index = row * steps + step
                types[index] = code.type.rawValue
                widths[index] = code.kernelWidth
                heights[index] = code.kernelHeight
                channels[index] = code.channelBin
            }
        }
        let embedded = try Tensor.concatenatingColumns([
            try typeTable.forward(types), try kernelTable.forward(widths), try kernelTable.forward(heights),
            try channelTable.forward(channels),
        ]).reshaped(to: [batch, steps, settings.layerEmbeddingDimension])
        let structure = try lstm.forward(embedded, lengths: sequences.map(\.count), context: context)
        let epochRows = epochs.map(epochRow)
        var parts = [structure, try epochTable.forward(epochRows)]
        if settings.globalStatistics {
            guard statistics.count == batch, statistics.allSatisfy({ $0.count == PeepholeStatistics.count }) else {
                throw PeepholeError.numerics(
                    "\(statistics.count) statistics rows for \(batch) networks (each \(PeepholeStatistics.count) long)")
            }
            parts.append(try Tensor(shape: [batch, PeepholeStatistics.count], scalars: statistics.flatMap { $0 }))
        }
        let features = try Tensor.concatenatingColumns(parts)
        cache = Cache(
            types: types, widths: widths, heights: heights, channels: channels, epochs: epochRows, batch: batch,
            steps: steps)
        return try mlp.forward(features, context: context)
    }

    /// Back-propagates the gradient of the predictions (`[batch, 1]`) into every parameter.
    func backward(_ outputGradient: Tensor) throws {
        guard let cache else { throw NeuralNetworkError.backwardWithoutForward(layer: "PeepholeNetwork") }
        let featureGradient = try mlp.backward(outputGradient)
        let parts = try featureGradient.splittingColumns(
            widths: [
                settings.hiddenSize, settings.epochDimension,
                settings.mlpInputDimension - settings.hiddenSize - settings.epochDimension,
            ]
            .filter { $0 > 0 })
        try epochTable.accumulateGradient(parts[1], for: cache.epochs)
        let sequenceGradient = try lstm.backward(parts[0]).reshaped(
            to: [cache.batch * cache.steps, settings.layerEmbeddingDimension])
        let pieces = try sequenceGradient.splittingColumns(widths: [
            settings.typeDimension, settings.kernelDimension, settings.kernelDimension, settings.channelDimension,
        ])
        try typeTable.accumulateGradient(pieces[0], for: cache.types)
        try kernelTable.accumulateGradient(pieces[1], for: cache.widths)
        try kernelTable.accumulateGradient(pieces[2], for: cache.heights)
        try channelTable.accumulateGradient(pieces[3], for: cache.channels)
    }
}
