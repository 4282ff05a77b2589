/// One network Peephole learns from: its codes, the epoch its accuracy was measured at and that
/// accuracy (the final epoch's: the paper's loss is on the final epoch only).
public struct PeepholeExample: Hashable, Sendable {
    /// The network's Unified Layer Codes.
    public var codes: [UnifiedLayerCode]
    /// The 1-based epoch of `accuracy`.
    public var epoch: Int
    /// The validation accuracy at that epoch.
    public var accuracy: Double

    /// Creates an example.
    public init(codes: [UnifiedLayerCode], epoch: Int, accuracy: Double) {
        self.codes = codes
        self.epoch = epoch
        self.accuracy = accuracy
    }
}
