/// The NAS-Bench-101 cell space (Ying et al. 2019; RNAS, ALGORITHMS.md §4): cells of at most
/// 7 vertices and 9 edges after pruning, interior operations conv3×3, conv1×1, max-pool3×3.
public struct CellSpace: Sendable {
    /// The limits and the operation set.
    public struct Configuration: Hashable, Sendable {
        /// At most this many vertices, input and output included (7).
        public var maxVertices: Int = 7
        /// At most this many edges (9).
        public var maxEdges: Int = 9
        /// The interior operations.
        public var operations: [CellOperation] = CellOperation.interiorOperations
        /// How many random graphs `sample` draws before it gives up (with the defaults about
        /// 73% of draws are valid after pruning, so the limit is never reached in practice).
        public var maxSamplingAttempts: Int = 10_000

        /// NAS-Bench-101's limits.
        public init() {}
    }

    /// The limits and the operation set.
    public let configuration: Configuration

    /// Creates a space, checking its configuration.
    ///
    /// - Throws: `SpaceConfigurationError` when a limit is too small or the operations are empty
    ///   or include `input`/`output`.
    public init(configuration: Configuration = Configuration()) throws(SpaceConfigurationError) {
        guard configuration.maxVertices >= 2 else {
            throw SpaceConfigurationError(
                space: "cell", parameter: "maxVertices",
                problem: .belowMinimum(value: configuration.maxVertices, minimum: 2))
        }
        guard configuration.maxEdges >= 1 else {
            throw SpaceConfigurationError(
                space: "cell", parameter: "maxEdges", problem: .belowMinimum(value: configuration.maxEdges, minimum: 1))
        }
        guard !configuration.operations.isEmpty,
            configuration.operations.allSatisfy({ CellOperation.interiorOperations.contains($0) })
        else { throw SpaceConfigurationError(space: "cell", parameter: "operations", problem: .empty) }
        guard configuration.maxSamplingAttempts >= 1 else {
            throw SpaceConfigurationError(
                space: "cell", parameter: "maxSamplingAttempts",
                problem: .belowMinimum(value: configuration.maxSamplingAttempts, minimum: 1))
        }
        self.configuration = configuration
    }

    /// The pruned cell, checked against the space's limits and operations.
    ///
    /// - Throws: `CellError` naming the first violation.
    public func validated(_ cell: Cell) throws(CellError) -> Cell {
        let pruned = try cell.pruned()
        guard pruned.vertexCount <= configuration.maxVertices else {
            throw .tooManyVertices(count: pruned.vertexCount, limit: configuration.maxVertices)
        }
        guard pruned.edgeCount <= configuration.maxEdges else {
            throw .tooManyEdges(count: pruned.edgeCount, limit: configuration.maxEdges)
        }
        for (index, operation) in pruned.operations.enumerated().dropFirst().dropLast()
        where !configuration.operations.contains(operation) {
            throw .operationNotInSpace(index: index, operation: operation)
        }
        return pruned
    }

    /// A random valid cell, drawn as NAS-Bench-101's `random_spec` does: every upper-triangular
    /// edge of a `maxVertices` graph present with probability ½, every interior operation uniform,
    /// redrawn until the pruned graph is within the limits. Returns the pruned cell.
    ///
    /// - Throws: `SpaceSamplingError.noValidCell` when `maxSamplingAttempts` draws give no valid
    ///   cell.
    public func sample(using generator: inout some RandomNumberGenerator) throws(SpaceSamplingError) -> Cell {
        let n = configuration.maxVertices
        let interior = configuration.operations
        for _ in 0..<configuration.maxSamplingAttempts {
            var matrix = Array(repeating: Array(repeating: false, count: n), count: n)
            for i in 0..<n {
                for j in (i + 1)..<n { matrix[i][j] = Bool.random(using: &generator) }
            }
            var operations: [CellOperation] = [.input]
            for _ in 1..<(n - 1) { operations.append(interior[Int.random(in: 0..<interior.count, using: &generator)]) }
            operations.append(.output)
            // A rejected draw (disconnected, or over a limit) is simply redrawn.
            guard let cell = try? Cell(operations: operations, adjacency: matrix) else { continue }
            if let valid = try? validated(cell) { return valid }
        }
        throw .noValidCell(attempts: configuration.maxSamplingAttempts)
    }
}
