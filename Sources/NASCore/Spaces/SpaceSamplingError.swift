/// Why a search space could not propose a network.
public enum SpaceSamplingError: Error, Hashable, Sendable {
    /// Every one of `attempts` sampled networks exceeded the parameter or MAC limit.
    ///
    /// - `space`: the space that was sampled (`"metaqnn"`, `"block"`).
    /// - `smallestParameters` / `smallestMACs`: the smallest counts seen among the rejected
    ///   networks, to tell the user how far the limits are from what the space produces.
    case noArchitectureWithinConstraints(space: String, attempts: Int, smallestParameters: Int, smallestMACs: Int)
    /// The space produced a network that shape inference rejects; this is a bug in the space or
    /// in its configuration (for example an input smaller than the pooling skeleton allows).
    case impossibleArchitecture(space: String, notation: String, error: ArchitectureError)
    /// None of `attempts` random graphs gave a cell within the cell space's limits.
    case noValidCell(attempts: Int)
}
