extension CellError: CustomStringConvertible {
    /// One line for a person; vertices are counted from 0.
    public var description: String {
        switch self {
        case .adjacencyNotSquare(let vertices, let row, let count):
            return "the adjacency matrix is not \(vertices)×\(vertices): row \(row) has \(count) entries"
        case .operationCountMismatch(let operations, let vertices):
            return "\(operations) operations for \(vertices) vertices"
        case .tooFewVertices(let count):
            return "\(count) vertices; a cell needs at least an input and an output"
        case .notUpperTriangular(let from, let to):
            return "an edge goes from vertex \(from) to vertex \(to); the matrix must be strictly upper triangular "
                + "(vertices in topological order)"
        case .misplacedEndpoint(let index, let operation):
            return "vertex \(index) is \(operation.rawValue); only the first vertex is the input and only the last "
                + "the output"
        case .outputUnreachable:
            return "no path leads from the input to the output"
        case .tooManyVertices(let count, let limit):
            return "\(count) vertices, more than the space's \(limit)"
        case .tooManyEdges(let count, let limit):
            return "\(count) edges, more than the space's \(limit)"
        case .operationNotInSpace(let index, let operation):
            return "vertex \(index) is \(operation.rawValue), which the space does not offer"
        }
    }
}
