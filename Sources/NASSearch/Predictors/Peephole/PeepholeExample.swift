import NASCore

/// One network Peephole learns from: its codes, its size, the epoch its accuracy was measured at
/// and that accuracy (the final epoch's: the paper's loss is on the final epoch only).
public struct PeepholeExample: Hashable, Sendable {
    /// The network's Unified Layer Codes.
    public var codes: [UnifiedLayerCode]
    /// The 1-based epoch of `accuracy`.
    public var epoch: Int
    /// The validation accuracy at that epoch (not read when predicting).
    public var accuracy: Double
    /// The trainable parameter count (`PeepholeStatistics`; 0 when unknown).
    public var parameters: Int
    /// The multiply-accumulates (`PeepholeStatistics`; 0 when unknown).
    public var macs: Int

    /// Creates an example.
    public init(codes: [UnifiedLayerCode], epoch: Int, accuracy: Double, parameters: Int = 0, macs: Int = 0) {
        self.codes = codes
        self.epoch = epoch
        self.accuracy = accuracy
        self.parameters = parameters
        self.macs = macs
    }

    /// The example of `network`, coded and sized the one way every Peephole path does — training in
    /// the daemon, the gate, prediction and `nasd predict train|eval` — so a model always sees at
    /// prediction the statistics it was trained on (`PeepholeEncoding.codes`, `PeepholeStatistics.size`;
    /// a size recorded beside the network is not used).
    ///
    /// - Throws: `PeepholeError.unencodable` when the network has no codes or cannot be analysed.
    public init(network: Network, input: TensorShape, epoch: Int, accuracy: Double) throws(PeepholeError) {
        let codes = try PeepholeEncoding.codes(for: network, input: input)
        let size = try PeepholeStatistics.size(of: network, input: input)
        self.init(codes: codes, epoch: epoch, accuracy: accuracy, parameters: size.parameters, macs: size.macs)
    }

    /// The global statistics of the network (`PeepholeStatistics.vector`).
    public var statistics: [Double] { PeepholeStatistics.vector(codes: codes, parameters: parameters, macs: macs) }
}
