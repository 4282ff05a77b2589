import NASCore
import NASNumerics

/// RNAS's architecture encoding (Xu et al. 2020, §3.2, Fig. 2; ALGORITHMS.md §4): a network as a
/// `[channels, n, n]` tensor of adjacency-masked node features.
///
/// For a NAS-Bench-101 cell: the pruned cell's nodes are sorted by depth (longest distance from
/// the input), so the adjacency matrix is upper triangular, and padded to 7×7 with zero rows and
/// columns inserted before the output node (RNAS's choice). Each node has a type code, and for
/// each of the 9 cells of the network (3 stacks × 3, channels doubling at each downsample) a FLOPs
/// and a parameter count; each vector is broadcast over the columns and multiplied element-wise
/// with the adjacency matrix, `M[i][j] = A[i][j] · v[j]`, so an edge carries the values of the node
/// it feeds. (Broadcasting over the destination is lossless: every kept interior node and the
/// output have an incoming edge, while the input node, which has none, carries no operation.)
/// Channel 0 is the shared type matrix, channels 1…9 the FLOPs matrices, 10…18 the parameter
/// matrices: 19×7×7.
///
/// NAS-Bench-201 analogue: the operations sit on the edges of a 4-node cell, so the masked matrices
/// are written directly, `M[j][i]` for the edge i←j (a `none` edge is no edge); channel 0 the type,
/// then one FLOPs and one parameter matrix for each of the 15 cells (3 stages × 5 at 16/32/64
/// channels): 31×4×4.
///
/// Sequential analogue: a chain graph input → layer 1 → … → layer L → output, padded before the
/// output to `maxLayers + 2` nodes; per-layer type, MACs and parameters: 3×(L+2)×(L+2).
///
/// Values are raw counts and type codes; `RNASInputScaling` prepares them for the predictor.
public enum RNASFeatureTensor {
    /// The padded node count of a NAS-Bench-101 cell.
    public static let nasBench101Side = 7
    /// The layers a sequential network's tensor holds by default (`sequential(_:input:maxLayers:)`).
    public static let sequentialMaxLayers = 32

    /// RNAS's node type codes (0 marks padding and absent edges).
    public static func typeCode(_ operation: CellOperation) -> Float {
        switch operation {
        case .input: return 1
        case .conv1x1: return 2
        case .conv3x3: return 3
        case .maxPool3x3: return 4
        case .output: return 5
        }
    }

    /// The NAS-Bench-201 edge type codes (`none` is no edge, 0).
    public static func typeCode(_ operation: NASBench201Operation) -> Float {
        switch operation {
        case .none: return 0
        case .skipConnect: return 1
        case .convolution1x1: return 2
        case .convolution3x3: return 3
        case .averagePool3x3: return 4
        }
    }

    /// Encodes any network: a NAS-Bench-101 cell (19×7×7), a NAS-Bench-201 cell (31×4×4) or a
    /// sequential network (3×(maxLayers+2)×(maxLayers+2)).
    ///
    /// - Throws: `RNASError.unencodable`.
    public static func encode(
        _ network: Network, input: TensorShape = .cifar, maxLayers: Int = sequentialMaxLayers
    ) throws(RNASError) -> Tensor {
        switch network {
        case .cell(let cell): return try nasBench101(cell)
        case .nb201(let cell): return nasBench201(cell)
        case .sequential(let architecture):
            return try sequential(architecture, input: input, maxLayers: maxLayers)
        }
    }

    /// The 19×7×7 tensor of a NAS-Bench-101 cell in the network `skeleton` (9 cells by default).
    ///
    /// - Throws: `RNASError.unencodable` for a cell with no input→output path or more than 7 nodes.
    public static func nasBench101(_ cell: Cell, skeleton: NASBench101Network = NASBench101Network()) throws(RNASError)
        -> Tensor
    {
        let pruned: Cell
        do {
            pruned = try cell.pruned()
        } catch {
            throw .unencodable(network: cell.notation, reason: "\(error)")
        }
        let n = pruned.vertexCount
        let side = max(nasBench101Side, n)
        guard n <= nasBench101Side else {
            throw .unencodable(network: cell.notation, reason: "\(n) vertices, at most \(nasBench101Side)")
        }
        let order = depthOrder(pruned)
        // position[old vertex] in the padded matrix: interior nodes in depth order, output last.
        var position = [Int](repeating: 0, count: n)
        for (index, vertex) in order.enumerated() { position[vertex] = index }
        position[n - 1] = side - 1
        let cells = skeleton.stackCount * skeleton.cellsPerStack
        var tensor = Tensor(shape: [1 + 2 * cells, side, side])
        let a = pruned.adjacency
        func set(_ channel: Int, _ from: Int, _ to: Int, _ value: Float) {
            tensor.scalars[(channel * side + position[from]) * side + position[to]] = value
        }
        for from in 0..<n {
            for to in 0..<n where a[from][to] { set(0, from, to, typeCode(pruned.operations[to])) }
        }
        var channels = skeleton.stemChannels
        var cellIndex = 0
        for stack in 0..<skeleton.stackCount {
            let stackChannels = skeleton.stemChannels << stack
            let resolution = 32 >> stack
            let area = Double(resolution * resolution)
            for _ in 0..<skeleton.cellsPerStack {
                let vertex = NASBench101Network.vertexChannels(input: channels, output: stackChannels, cell: pruned)
                var flops = [Double](repeating: 0, count: n)
                var parameters = [Double](repeating: 0, count: n)
                var feedsOutput = false
                for t in 1..<max(1, n - 1) {
                    let c = Double(vertex[t])
                    if a[0][t] {
                        // The 1×1 projection of the cell input to the vertex's width (conv + BN).
                        parameters[t] += Double(channels) * c + 2 * c
                        flops[t] += area * Double(channels) * c
                    }
                    switch pruned.operations[t] {
                    case .conv3x3:
                        parameters[t] += 9 * c * c + 2 * c
                        flops[t] += area * 9 * c * c
                    case .conv1x1:
                        parameters[t] += c * c + 2 * c
                        flops[t] += area * c * c
                    case .maxPool3x3:
                        flops[t] += area * 9 * c
                    case .input, .output:
                        break
                    }
                    if a[t][n - 1] { feedsOutput = true }
                }
                if !feedsOutput || a[0][n - 1] {
                    let c = Double(stackChannels)
                    parameters[n - 1] += Double(channels) * c + 2 * c
                    flops[n - 1] += area * Double(channels) * c
                }
                for from in 0..<n {
                    for to in 0..<n where a[from][to] {
                        set(1 + cellIndex, from, to, Float(flops[to]))
                        set(1 + cells + cellIndex, from, to, Float(parameters[to]))
                    }
                }
                channels = stackChannels
                cellIndex += 1
            }
        }
        return tensor
    }

    /// The 31×4×4 tensor of a NAS-Bench-201 cell (stages of 5 cells at 16, 32, 64 channels on
    /// 32², 16², 8² maps; ReLU-conv-BN convolutions).
    public static func nasBench201(_ cell: NASBench201Cell) -> Tensor {
        let side = NASBench201Cell.nodeCount
        let stages = [(channels: 16, resolution: 32), (channels: 32, resolution: 16), (channels: 64, resolution: 8)]
        let cellsPerStage = 5
        let cells = stages.count * cellsPerStage
        var tensor = Tensor(shape: [1 + 2 * cells, side, side])
        for (edge, operation) in zip(NASBench201Cell.edges, cell.operations) where operation != .none {
            let offset = edge.from * side + edge.to
            tensor.scalars[offset] = typeCode(operation)
            for (stageIndex, stage) in stages.enumerated() {
                let c = Double(stage.channels)
                let area = Double(stage.resolution * stage.resolution)
                let (flops, parameters): (Double, Double)
                switch operation {
                case .convolution3x3: (flops, parameters) = (area * 9 * c * c, 9 * c * c + 2 * c)
                case .convolution1x1: (flops, parameters) = (area * c * c, c * c + 2 * c)
                case .averagePool3x3: (flops, parameters) = (area * 9 * c, 0)
                case .skipConnect, .none: (flops, parameters) = (0, 0)
                }
                for cellInStage in 0..<cellsPerStage {
                    let index = stageIndex * cellsPerStage + cellInStage
                    tensor.scalars[(1 + index) * side * side + offset] = Float(flops)
                    tensor.scalars[(1 + cells + index) * side * side + offset] = Float(parameters)
                }
            }
        }
        return tensor
    }

    /// The 3×(maxLayers+2)×(maxLayers+2) tensor of a sequential network: type, MACs and parameters
    /// of each layer on the chain's edges.
    ///
    /// - Throws: `RNASError.unencodable` when the network cannot be analysed for `input` or has more
    ///   than `maxLayers` layers.
    public static func sequential(
        _ architecture: Architecture, input: TensorShape = .cifar, maxLayers: Int = sequentialMaxLayers
    ) throws(RNASError) -> Tensor {
        let analysis: ArchitectureAnalysis
        do {
            analysis = try architecture.analyze(input: input)
        } catch {
            throw .unencodable(network: architecture.notation, reason: "\(error)")
        }
        let count = analysis.layers.count
        guard count <= maxLayers else {
            throw .unencodable(network: architecture.notation, reason: "\(count) layers, at most \(maxLayers)")
        }
        let side = maxLayers + 2
        var tensor = Tensor(shape: [3, side, side])
        // Node k (1…count) is layer k−1; the output node sits last, after the padding.
        for (index, layer) in analysis.layers.enumerated() {
            let from = index
            let to = index + 1
            let values = [typeCode(layer.layer), Float(layer.macs), Float(layer.parameters)]
            for (channel, value) in values.enumerated() {
                tensor.scalars[(channel * side + from) * side + to] = value
            }
        }
        tensor.scalars[count * side + side - 1] = 1  // last layer → output, type channel
        return tensor
    }

    /// The type code of a layer of the sequential model (1…12; 0 marks padding).
    public static func typeCode(_ layer: NASCore.Layer) -> Float {
        switch layer {
        case .convolution: return 1
        case .maxPool: return 2
        case .avgPool: return 3
        case .fullyConnected: return 4
        case .globalAveragePool: return 5
        case .classifierHead: return 6
        case .softmax: return 7
        case .batchNorm: return 8
        case .relu: return 9
        case .sigmoid: return 10
        case .tanh: return 11
        case .dropout: return 12
        }
    }

    /// Vertex indices of a pruned cell: the input, then the interior vertices by depth (ties by
    /// index), then the output.
    static func depthOrder(_ cell: Cell) -> [Int] {
        let n = cell.vertexCount
        var depth = [Int](repeating: 0, count: n)
        for to in 1..<n {
            for from in 0..<to where cell.adjacency[from][to] { depth[to] = max(depth[to], depth[from] + 1) }
        }
        let interior = (1..<max(1, n - 1)).sorted { (depth[$0], $0) < (depth[$1], $1) }
        return [0] + interior + (n > 1 ? [n - 1] : [])
    }
}
