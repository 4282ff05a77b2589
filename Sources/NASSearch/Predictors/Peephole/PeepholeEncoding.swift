import NASCore

/// Turns a network into the sequence of Unified Layer Codes Peephole reads (docs/predictors.md).
///
/// Sequential networks, layer by layer, with the channel ratio taken from shape inference on the
/// input shape:
/// - `C`, `P`, `AP`, `RELU`, `SIGMOID`, `TANH`, `BN`: the paper's codes (a convolution's stride is
///   not part of the code; pooling kernels below 2 are coded as 2).
/// - `FC(d)`: type 8, kernel 1, ratio `d` over the input's channels (a flattened `[C,H,W]` counts
///   `C`, so `FC(512)` after 512 feature maps is ratio 1, as a 1×1 convolution would be).
/// - `GAP`: type 9. MetaQNN's head `GAP(n)` is what it computes: a 1×1 convolution to `n`
///   channels, ReLU, then global average pooling (three codes).
/// - `D(i,n)` is left out: dropout does not change a network's identity in nasd (its canonical
///   hash drops it), so networks the daemon treats as one get one prediction.
/// - `SM(k)`, the classifier, is left out: the paper reads the LSTM state "at the layer right
///   before the fully connected layer for classification". A network that is only a classifier
///   (`[SM(10)]`) is one identity code (type 10): the input goes straight to the classifier.
///
/// Cells (the paper has none; the order of the codes carries the graph):
/// - NAS-Bench-201: one code per edge in the benchmark's edge order — `nor_conv_k×k` a ratio-1
///   convolution of kernel k, `avg_pool_3x3` an average pool of 3, `skip_connect` type 10,
///   `none` type 11.
/// - NAS-Bench-101: the pruned canonical cell's vertices in order after the input; a vertex with
///   more than one input is preceded by a merge code (type 12, kernel = in-degree); a
///   `convK×K-bn-relu` vertex is a ratio-1 convolution of kernel K, `maxpool3x3` a max pool of 3,
///   the output vertex is its merge code or, with a single input, an identity code.
public enum PeepholeEncoding {
    /// The codes of `network` for an input of shape `input`.
    ///
    /// - Throws: `PeepholeError.unencodable` when a sequential network cannot be analysed, a cell
    ///   cannot be pruned, or the sequence is empty.
    public static func codes(for network: Network, input: TensorShape) throws(PeepholeError) -> [UnifiedLayerCode] {
        let codes: [UnifiedLayerCode]
        switch network {
        case .sequential(let architecture): codes = try sequentialCodes(architecture, input: input)
        case .nb201(let cell): codes = cell.operations.map(nb201Code)
        case .cell(let cell): codes = try nasBench101Codes(cell)
        }
        guard !codes.isEmpty else { throw .unencodable(network: network.notation, reason: "it has no layer to code") }
        return codes
    }

    private static func sequentialCodes(
        _ architecture: Architecture, input: TensorShape
    ) throws(PeepholeError) -> [UnifiedLayerCode] {
        let analysis: ArchitectureAnalysis
        do {
            analysis = try architecture.analyze(input: input)
        } catch {
            throw .unencodable(network: architecture.notation, reason: "\(error)")
        }
        var codes: [UnifiedLayerCode] = []
        for record in analysis.layers {
            let inChannels = Double(max(record.input.channels, 1))
            switch record.layer {
            case .convolution(let filters, let kernel, _):
                codes.append(
                    .square(.convolution, kernel: kernel, channelBin: UnifiedLayerCode.channelBin(ofRatio: Double(filters) / inChannels)))
            case .maxPool(let kernel, _): codes.append(.square(.maxPool, kernel: max(kernel, 2)))
            case .avgPool(let kernel, _): codes.append(.square(.averagePool, kernel: max(kernel, 2)))
            case .relu: codes.append(UnifiedLayerCode(type: .relu))
            case .sigmoid: codes.append(UnifiedLayerCode(type: .sigmoid))
            case .tanh: codes.append(UnifiedLayerCode(type: .tanh))
            case .batchNorm: codes.append(UnifiedLayerCode(type: .batchNorm))
            case .fullyConnected(let units):
                codes.append(
                    UnifiedLayerCode(
                        type: .fullyConnected, channelBin: UnifiedLayerCode.channelBin(ofRatio: Double(units) / inChannels)))
            case .globalAveragePool: codes.append(UnifiedLayerCode(type: .globalAveragePool))
            case .classifierHead(let classes):
                codes.append(
                    .square(.convolution, kernel: 1, channelBin: UnifiedLayerCode.channelBin(ofRatio: Double(classes) / inChannels)))
                codes.append(UnifiedLayerCode(type: .relu))
                codes.append(UnifiedLayerCode(type: .globalAveragePool))
            case .dropout, .softmax: continue
            }
        }
        return codes.isEmpty ? [UnifiedLayerCode(type: .identity)] : codes
    }

    private static func nb201Code(_ operation: NASBench201Operation) -> UnifiedLayerCode {
        switch operation {
        case .none: return UnifiedLayerCode(type: .zero)
        case .skipConnect: return UnifiedLayerCode(type: .identity)
        case .convolution1x1: return .square(.convolution, kernel: 1)
        case .convolution3x3: return .square(.convolution, kernel: 3)
        case .averagePool3x3: return .square(.averagePool, kernel: 3)
        }
    }

    private static func nasBench101Codes(_ cell: Cell) throws(PeepholeError) -> [UnifiedLayerCode] {
        let canonical: Cell
        do {
            canonical = try cell.pruned().canonicalForm()
        } catch {
            throw .unencodable(network: cell.notation, reason: "\(error)")
        }
        var codes: [UnifiedLayerCode] = []
        for vertex in 1..<canonical.vertexCount {
            let inDegree = (0..<vertex).filter { canonical.adjacency[$0][vertex] }.count
            if inDegree > 1 { codes.append(.square(.merge, kernel: inDegree)) }
            switch canonical.operations[vertex] {
            case .conv3x3: codes.append(.square(.convolution, kernel: 3))
            case .conv1x1: codes.append(.square(.convolution, kernel: 1))
            case .maxPool3x3: codes.append(.square(.maxPool, kernel: 3))
            case .output: if inDegree <= 1 { codes.append(UnifiedLayerCode(type: .identity)) }
            case .input: continue
            }
        }
        return codes
    }
}
