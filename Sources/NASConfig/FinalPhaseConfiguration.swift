import NASCore

/// The `final:` section: after the search, the best networks are retrained at a longer schedule
/// (both Baker papers do), each with several seeds; their accuracies are reported apart from the
/// search's.
public struct FinalPhaseConfiguration: Hashable, Sendable {
    /// `top_k` (default 5): how many distinct networks are retrained, best search accuracy first.
    public var topK: Int
    /// `epochs` (required): the epoch budget of every final-phase trial.
    public var epochs: Int
    /// `hyperparameters` (default `{}`): numbers that replace the network's own searched or fixed
    /// values for the final phase (a longer schedule's learning rate, say); others are kept.
    public var hyperparameters: [String: Double]
    /// `seeds` (default 1): training runs per network, reported as mean ± standard deviation.
    public var seeds: Int

    /// Creates a final-phase section.
    public init(topK: Int = 5, epochs: Int, hyperparameters: [String: Double] = [:], seeds: Int = 1) {
        self.topK = topK
        self.epochs = epochs
        self.hyperparameters = hyperparameters
        self.seeds = seeds
    }

    static let keys = ["top_k", "epochs", "hyperparameters", "seeds"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        topK = try map.integer("top_k", default: 5, .atLeast(1))
        epochs = try decoder.integer(try map.required("epochs"), map.path("epochs"), .atLeast(1))
        seeds = try map.integer("seeds", default: 1, .within(1...100))
        if let node = map.optional("hyperparameters") {
            let space = try decoder.hyperparameterSpace(node, map.path("hyperparameters"), allowRanges: false)
            hyperparameters = space.fixedValues ?? [:]
        } else {
            hyperparameters = [:]
        }
    }
}
