/// A search-space configuration that cannot be sampled: names the space, the parameter and the
/// problem.
public struct SpaceConfigurationError: Error, Hashable, Sendable {
    /// What is wrong with the parameter.
    public enum Problem: Hashable, Sendable {
        /// The value set is empty, so no layer of that kind could ever be chosen.
        case empty
        /// A count, size or limit must be positive (or, for limits, at least the stated minimum).
        case belowMinimum(value: Int, minimum: Int)
        /// A probability or ratio outside its range.
        case outOfRange(value: Double, range: ClosedRange<Double>)
        /// A matrix or list has the wrong number of entries.
        case wrongCount(count: Int, expected: Int)
        /// A row of probabilities does not sum to 1 (within 1e-9) or has no positive entry.
        case notADistribution(row: Int, sum: Double)
    }

    /// The space: `"metaqnn"`, `"block"` or `"cell"`.
    public var space: String
    /// The configuration field, e.g. `"kernelSizes"`.
    public var parameter: String
    /// What is wrong.
    public var problem: Problem

    /// Creates an error naming the space, the parameter and the problem.
    public init(space: String, parameter: String, problem: Problem) {
        self.space = space
        self.parameter = parameter
        self.problem = problem
    }
}
