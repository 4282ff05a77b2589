import NASCore

/// The `training:` section: what every trial is trained with.
public struct TrainingConfiguration: Hashable, Sendable {
    /// `epochs` (required): the epoch budget of a trial (Hyperband's brackets use their own).
    public var epochs: Int
    /// `hyperparameters`: values passed to the trainer by name (learning rate, weight decay, ...),
    /// each a number or a range searched with the architecture (`{log_uniform: [low, high]}`,
    /// `{uniform: [low, high]}`, `{choice: [...]}`). Default empty.
    public var hyperparameters: HyperparameterSpace
    /// `input`: `[C, H, W]`. Default: the space's input, else [3, 32, 32].
    public var input: TensorShape

    /// Creates a training section.
    public init(epochs: Int, hyperparameters: HyperparameterSpace = HyperparameterSpace(), input: TensorShape = .cifar)
    {
        self.epochs = epochs
        self.hyperparameters = hyperparameters
        self.input = input
    }

    static let keys = ["epochs", "hyperparameters", "input"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        epochs = try decoder.integer(try map.required("epochs"), map.path("epochs"), .atLeast(1))
        if let node = map.optional("hyperparameters") {
            hyperparameters = try decoder.hyperparameterSpace(node, map.path("hyperparameters"), allowRanges: true)
        } else {
            hyperparameters = HyperparameterSpace()
        }
        input = try map.optionalShape("input") ?? .cifar
    }
}
