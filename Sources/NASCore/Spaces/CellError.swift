/// Why a cell is malformed or outside the space.
public enum CellError: Error, Hashable, Sendable {
    /// The adjacency matrix is not `vertices × vertices`: row `row` has `count` entries.
    case adjacencyNotSquare(vertices: Int, row: Int, count: Int)
    /// There are `operations` operations for `vertices` vertices.
    case operationCountMismatch(operations: Int, vertices: Int)
    /// A cell needs at least an input and an output vertex.
    case tooFewVertices(count: Int)
    /// An edge goes from `from` to `to` with `from ≥ to`: the matrix must be strictly upper
    /// triangular (vertices in topological order).
    case notUpperTriangular(from: Int, to: Int)
    /// The vertex at `index` has the wrong label: the first must be `input`, the last `output`,
    /// and only those two.
    case misplacedEndpoint(index: Int, operation: CellOperation)
    /// No path leads from the input to the output.
    case outputUnreachable
    /// More vertices than the space allows (after pruning).
    case tooManyVertices(count: Int, limit: Int)
    /// More edges than the space allows (after pruning).
    case tooManyEdges(count: Int, limit: Int)
    /// An interior operation the space does not offer.
    case operationNotInSpace(index: Int, operation: CellOperation)
}
