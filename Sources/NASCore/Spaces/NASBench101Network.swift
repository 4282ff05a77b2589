/// The NAS-Bench-101 network skeleton around a cell (Ying et al. 2019, §2.1;
/// `google-research/nasbench`, `model_builder.py`): a 3×3 convolution stem, stacks of cells
/// with 2×2 max-pool downsampling between stacks (channels doubled), global average pooling and
/// a dense classifier. Used to count a cell's network parameters exactly.
public struct NASBench101Network: Hashable, Sendable {
    /// Input channels (3 for CIFAR-10).
    public var inputChannels: Int = 3
    /// Output channels of the stem convolution (128 in NAS-Bench-101).
    public var stemChannels: Int = 128
    /// Number of stacks (3).
    public var stackCount: Int = 3
    /// Cells per stack (3).
    public var cellsPerStack: Int = 3
    /// Classes of the final dense layer (10).
    public var classes: Int = 10

    /// The NAS-Bench-101 configuration.
    public init() {}

    /// The trainable parameters of the network built from `cell`, as TensorFlow counts them:
    /// convolutions without bias, batch normalisation with β and γ (2 per channel), the dense
    /// classifier with bias.
    ///
    /// Inside a cell (`build_module`): vertex channels from `vertexChannels`; a 1×1 projection
    /// (conv + BN) from the cell input into every vertex fed by the input, and into the output
    /// when the input feeds it directly; conv3×3 and conv1×1 vertices carry conv + BN.
    ///
    /// - Throws: `CellError.outputUnreachable` when the cell has no input→output path.
    public func parameters(of cell: Cell) throws(CellError) -> Int {
        let cell = try cell.pruned()
        let n = cell.vertexCount
        var total = inputChannels * 9 * stemChannels + 2 * stemChannels
        var channels = stemChannels
        for stack in 0..<stackCount {
            let stackChannels = stemChannels << stack
            for _ in 0..<cellsPerStack {
                let vertex = Self.vertexChannels(input: channels, output: stackChannels, cell: cell)
                var feedsOutput = false
                for t in 1..<(n - 1) {
                    if cell.adjacency[0][t] { total += channels * vertex[t] + 2 * vertex[t] }
                    switch cell.operations[t] {
                    case .conv3x3: total += 9 * vertex[t] * vertex[t] + 2 * vertex[t]
                    case .conv1x1: total += vertex[t] * vertex[t] + 2 * vertex[t]
                    default: break
                    }
                    if cell.adjacency[t][n - 1] { feedsOutput = true }
                }
                if !feedsOutput || cell.adjacency[0][n - 1] {
                    total += channels * stackChannels + 2 * stackChannels
                }
                channels = stackChannels
            }
        }
        return total + channels * classes + classes
    }

    /// The output channels of every vertex (`compute_vertex_channels` of NAS-Bench-101): the
    /// output's channels are split evenly over the vertices feeding it (the first ones get one
    /// extra when it does not divide), and every other interior vertex takes the largest
    /// channel count among its successors.
    ///
    /// - Parameters:
    ///   - input: the cell's input channels.
    ///   - output: the cell's output channels.
    ///   - cell: a pruned cell.
    public static func vertexChannels(input: Int, output: Int, cell: Cell) -> [Int] {
        let n = cell.vertexCount
        var channels = Array(repeating: 0, count: n)
        channels[0] = input
        channels[n - 1] = output
        guard n > 2 else { return channels }
        let a = cell.adjacency
        let fanIn = (1..<(n - 1)).filter { a[$0][n - 1] }.count
        guard fanIn > 0 else { return channels }
        var correction = output % fanIn
        for v in 1..<(n - 1) where a[v][n - 1] {
            channels[v] = output / fanIn
            if correction > 0 {
                channels[v] += 1
                correction -= 1
            }
        }
        for v in stride(from: n - 3, through: 1, by: -1) where !a[v][n - 1] {
            for destination in (v + 1)..<(n - 1) where a[v][destination] {
                channels[v] = max(channels[v], channels[destination])
            }
        }
        return channels
    }
}
