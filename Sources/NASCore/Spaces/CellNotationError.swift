/// Why a cell-notation string (`input,conv3x3-bn-relu,output;0>1,1>2`) could not be parsed.
public enum CellNotationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `;` between the operations and the edges is missing (or there are several).
    case missingSeparator(notation: String)
    /// An operation name that is not a `CellOperation` raw value, at vertex `index`.
    case unknownOperation(index: Int, name: String)
    /// An edge that is not `i>j` with two decimal vertex indices.
    case malformedEdge(String)
    /// An edge names a vertex outside `0..<vertices`.
    case vertexOutOfRange(edge: String, vertices: Int)
    /// The same edge is listed twice.
    case duplicateEdge(String)
    /// The operations and edges parse but do not form a valid cell.
    case invalidCell(CellError)

    /// A one-line explanation naming the offending part.
    public var description: String {
        switch self {
        case .missingSeparator(let notation):
            return "expected 'operations;edges' (one ';'), found \"\(notation)\""
        case .unknownOperation(let index, let name):
            let names = CellOperation.allCases.map(\.rawValue).joined(separator: ", ")
            return "vertex \(index): unknown operation \"\(name)\" (expected one of \(names))"
        case .malformedEdge(let edge):
            return "malformed edge \"\(edge)\" (expected 'i>j')"
        case .vertexOutOfRange(let edge, let vertices):
            return "edge \"\(edge)\" names a vertex outside 0..<\(vertices)"
        case .duplicateEdge(let edge):
            return "edge \"\(edge)\" is listed twice"
        case .invalidCell(let error):
            return "not a valid cell: \(error)"
        }
    }
}
