import NASCore

/// The value sets of the NAS-Bench-201 cell space (Dong & Yang 2020; ALGORITHMS.md §6).
public struct NASBench201SpaceOptions: Hashable, Sendable {
    /// `ops`: the operations an edge may carry. Default all five (the benchmark's 15,625 cells).
    public var operations: [NASBench201Operation]
    /// `input`: `[C, H, W]`, passed to trainers. Default [3, 32, 32] (CIFAR-10).
    public var input: TensorShape
    /// `classes`: default 10.
    public var classes: Int

    /// Creates the options; every argument defaults to the benchmark's value.
    public init(
        operations: [NASBench201Operation] = NASBench201Operation.allCases, input: TensorShape = .cifar,
        classes: Int = 10
    ) {
        self.operations = operations
        self.input = input
        self.classes = classes
    }

    static let keys = ["ops", "input", "classes"]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = NASBench201SpaceOptions()
        operations = try map.choices("ops", default: defaults.operations)
        input = try map.optionalShape("input") ?? defaults.input
        classes = try map.integer("classes", default: defaults.classes, .atLeast(2))
    }
}
