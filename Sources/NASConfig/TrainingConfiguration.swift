import NASCore

/// The `training:` section: what every trial is trained with.
public struct TrainingConfiguration: Hashable, Sendable {
    /// `epochs` (required): the epoch budget of a trial (Hyperband's brackets use their own).
    public var epochs: Int
    /// `hyperparameters`: numbers passed to the trainer by name (learning rate, weight decay, ...).
    /// Default empty.
    public var hyperparameters: [String: Double]
    /// `input`: `[C, H, W]`. Default: the space's input, else [3, 32, 32].
    public var input: TensorShape

    /// Creates a training section.
    public init(epochs: Int, hyperparameters: [String: Double] = [:], input: TensorShape = .cifar) {
        self.epochs = epochs
        self.hyperparameters = hyperparameters
        self.input = input
    }

    static let keys = ["epochs", "hyperparameters", "input"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        epochs = try decoder.integer(try map.required("epochs"), map.path("epochs"), .atLeast(1))
        var hyperparameters: [String: Double] = [:]
        if let node = map.optional("hyperparameters") {
            guard case .map(let entries) = node.value else {
                throw decoder.error(node, map.path("hyperparameters"), expected: "a map of names to numbers")
            }
            for entry in entries {
                hyperparameters[entry.key] = try decoder.number(
                    entry.value, keyPath(map.path("hyperparameters"), entry.key), .any)
            }
        }
        self.hyperparameters = hyperparameters
        input = try map.optionalShape("input") ?? .cifar
    }
}
