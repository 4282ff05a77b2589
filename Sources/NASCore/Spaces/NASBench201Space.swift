/// The NAS-Bench-201 search space (Dong & Yang 2020): every `NASBench201Cell` whose edges carry
/// operations of the configured set (all five by default: the benchmark's 15,625 cells).
public struct NASBench201Space: Sendable {
    /// The operations an edge may carry, in `NASBench201Operation.allCases` order.
    public let operations: [NASBench201Operation]

    /// Creates the space over `operations` (duplicates ignored).
    ///
    /// - Throws: `SpaceConfigurationError` (`.empty`) for an empty set.
    public init(operations: [NASBench201Operation] = NASBench201Operation.allCases) throws(SpaceConfigurationError) {
        let kept = NASBench201Operation.allCases.filter { operations.contains($0) }
        guard !kept.isEmpty else {
            throw SpaceConfigurationError(space: "nb201", parameter: "operations", problem: .empty)
        }
        self.operations = kept
    }

    /// The number of cells in the space: |operations|⁶.
    public var size: Int {
        (0..<NASBench201Cell.edges.count).reduce(1) { product, _ in product * operations.count }
    }

    /// Whether every edge of `cell` carries an operation of this space.
    public func contains(_ cell: NASBench201Cell) -> Bool {
        cell.operations.allSatisfy(operations.contains)
    }

    /// A uniformly random cell: each edge's operation drawn independently and uniformly, as the
    /// benchmark's random-search baseline does (`random_architecture_func`).
    public func sample(using generator: inout some RandomNumberGenerator) -> NASBench201Cell {
        let ops = NASBench201Cell.edges.map { _ in operations[Int.random(in: 0..<operations.count, using: &generator)] }
        return NASBench201Cell(unchecked: ops)
    }

    /// The cell with one edge's operation changed (Real et al. 2019's mutation as the benchmark's
    /// regularized-evolution baseline applies it): an edge chosen uniformly, its new operation
    /// uniformly among the space's other operations.
    ///
    /// - Throws: `SpaceMutationError.noLegalMutation` when the space has a single operation (every
    ///   cell is then the only one), `.networkNotInSpace` for a cell with an operation outside it.
    public func mutate(
        _ cell: NASBench201Cell, using generator: inout some RandomNumberGenerator
    ) throws(SpaceMutationError) -> NASBench201Cell {
        guard contains(cell) else { throw .networkNotInSpace(space: "nb201", notation: cell.notation) }
        guard operations.count > 1 else { throw .noLegalMutation(space: "nb201", notation: cell.notation, attempts: 0) }
        let edge = Int.random(in: 0..<NASBench201Cell.edges.count, using: &generator)
        let others = operations.filter { $0 != cell.operations[edge] }
        return cell.replacing(edge: edge, with: others[Int.random(in: 0..<others.count, using: &generator)])
    }
}
