extension Cell {
    /// Parses the cell notation that `notation` and `canonicalNotation()` write: the vertex
    /// operations comma-separated, input first and output last, then `;`, then the edges as
    /// `i>j` comma-separated (possibly none), e.g. `input,conv3x3-bn-relu,output;0>1,1>2`.
    ///
    /// No whitespace is allowed. The cell is checked as `init(operations:adjacency:)` checks it,
    /// not pruned.
    ///
    /// - Throws: `CellNotationError` naming the first problem.
    public init(notation: String) throws(CellNotationError) {
        let parts = notation.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .missingSeparator(notation: notation) }
        var operations: [CellOperation] = []
        for (index, name) in parts[0].split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard let operation = CellOperation(rawValue: String(name)) else {
                throw .unknownOperation(index: index, name: String(name))
            }
            operations.append(operation)
        }
        let n = operations.count
        var adjacency = Array(repeating: Array(repeating: false, count: n), count: n)
        for edge in parts[1].split(separator: ",", omittingEmptySubsequences: false) where !parts[1].isEmpty {
            let ends = edge.split(separator: ">", omittingEmptySubsequences: false)
            guard ends.count == 2, ends.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
                let from = Int(ends[0]), let to = Int(ends[1])
            else { throw .malformedEdge(String(edge)) }
            guard (0..<n).contains(from), (0..<n).contains(to) else {
                throw .vertexOutOfRange(edge: String(edge), vertices: n)
            }
            guard !adjacency[from][to] else { throw .duplicateEdge(String(edge)) }
            adjacency[from][to] = true
        }
        do {
            try self.init(operations: operations, adjacency: adjacency)
        } catch {
            throw .invalidCell(error)
        }
    }

    /// The cell as text, as it is (not pruned, not relabelled): the operations, `;`, then the
    /// edges in row order, e.g. `input,conv3x3-bn-relu,output;0>1,1>2`.
    /// `Cell(notation: c.notation) == c`.
    public var notation: String {
        var edges: [String] = []
        for i in 0..<vertexCount {
            for j in 0..<vertexCount where adjacency[i][j] { edges.append("\(i)>\(j)") }
        }
        return operations.map(\.rawValue).joined(separator: ",") + ";" + edges.joined(separator: ",")
    }
}
