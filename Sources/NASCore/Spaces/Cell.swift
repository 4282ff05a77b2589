/// A NAS-Bench-101 cell (Ying et al. 2019; RNAS, ALGORITHMS.md §4): a DAG whose vertices are
/// in topological order, so the adjacency matrix is strictly upper triangular; vertex 0 is the
/// input, the last vertex the output, the others carry conv3×3, conv1×1 or max-pool3×3.
///
/// `init` checks the structure only; `pruned()` removes vertices on no input→output path (as
/// NAS-Bench-101's `ModelSpec._prune`), and `CellSpace` checks the 7-vertex and 9-edge limits.
public struct Cell: Hashable, Sendable {
    /// The vertex labels, input first and output last.
    public let operations: [CellOperation]
    /// `adjacency[i][j]`: an edge from vertex i to vertex j (only for i < j).
    public let adjacency: [[Bool]]

    /// Creates a cell, checking its structure.
    ///
    /// - Throws: `CellError` when the matrix is not square or not strictly upper triangular,
    ///   the operation count differs, or input/output are not exactly first/last.
    public init(operations: [CellOperation], adjacency: [[Bool]]) throws(CellError) {
        let vertices = adjacency.count
        guard operations.count == vertices else {
            throw .operationCountMismatch(operations: operations.count, vertices: vertices)
        }
        guard vertices >= 2 else { throw .tooFewVertices(count: vertices) }
        for (row, entries) in adjacency.enumerated() {
            guard entries.count == vertices else {
                throw .adjacencyNotSquare(vertices: vertices, row: row, count: entries.count)
            }
            for column in 0...row where entries[column] {
                throw .notUpperTriangular(from: row, to: column)
            }
        }
        for (index, operation) in operations.enumerated() {
            let expected: CellOperation? = index == 0 ? .input : (index == vertices - 1 ? .output : nil)
            let isEndpoint = operation == .input || operation == .output
            if let expected, operation != expected { throw .misplacedEndpoint(index: index, operation: operation) }
            if expected == nil, isEndpoint { throw .misplacedEndpoint(index: index, operation: operation) }
        }
        self.operations = operations
        self.adjacency = adjacency
    }

    /// Creates a cell from 0/1 entries, as NAS-Bench-101 writes matrices.
    ///
    /// - Throws: `CellError` as `init(operations:adjacency:)`.
    public init(operations: [CellOperation], matrix: [[Int]]) throws(CellError) {
        try self.init(operations: operations, adjacency: matrix.map { $0.map { $0 != 0 } })
    }

    /// The number of vertices, input and output included.
    public var vertexCount: Int { operations.count }

    /// The number of edges.
    public var edgeCount: Int { adjacency.reduce(0) { $0 + $1.filter { $0 }.count } }

    /// The matrix as 0/1 integers.
    public var matrix: [[Int]] { adjacency.map { $0.map { $0 ? 1 : 0 } } }

    /// The cell without the vertices that lie on no path from the input to the output.
    ///
    /// - Throws: `CellError.outputUnreachable` when no such path exists.
    public func pruned() throws(CellError) -> Cell {
        let n = vertexCount
        var fromInput = Array(repeating: false, count: n)
        fromInput[0] = true
        for v in 0..<n where fromInput[v] {
            for w in (v + 1)..<n where adjacency[v][w] { fromInput[w] = true }
        }
        var toOutput = Array(repeating: false, count: n)
        toOutput[n - 1] = true
        for v in stride(from: n - 1, through: 0, by: -1) where toOutput[v] {
            for u in 0..<v where adjacency[u][v] { toOutput[u] = true }
        }
        let kept = (0..<n).filter { fromInput[$0] && toOutput[$0] }
        guard kept.count >= 2 else { throw .outputUnreachable }
        if kept.count == n { return self }
        return Cell(
            uncheckedOperations: kept.map { operations[$0] },
            adjacency: kept.map { row in kept.map { adjacency[row][$0] } })
    }

    /// The representative of the cell's isomorphism class: the pruned cell relabelled by the
    /// topological order of its interior vertices that gives the smallest encoding (labels in
    /// `CellOperation.allCases` order, then the matrix row by row).
    ///
    /// Exhaustive over at most 5! orders, so exact: two cells have the same canonical form if
    /// and only if their pruned graphs are isomorphic with matching labels.
    ///
    /// - Throws: `CellError.outputUnreachable` when the cell has no input→output path.
    public func canonicalForm() throws(CellError) -> Cell {
        let cell = try pruned()
        let n = cell.vertexCount
        var best: (code: [Int], order: [Int])?
        // order[new] = old vertex; input and output stay in place.
        for interior in permutations(of: Array(1..<(n - 1))) {
            let order = [0] + interior + [n - 1]
            var isTopological = true
            var code = order.map { CellOperation.allCases.firstIndex(of: cell.operations[$0]) ?? 0 }
            code.reserveCapacity(n + n * n)
            for i in 0..<n {
                for j in 0..<n {
                    let edge = cell.adjacency[order[i]][order[j]]
                    if edge && j <= i { isTopological = false }
                    code.append(edge ? 1 : 0)
                }
            }
            guard isTopological else { continue }
            if let current = best, !code.lexicographicallyPrecedes(current.code) { continue }
            best = (code, order)
        }
        guard let order = best?.order else { return cell }  // unreachable: the identity order is topological
        return Cell(
            uncheckedOperations: order.map { cell.operations[$0] },
            adjacency: order.map { row in order.map { cell.adjacency[row][$0] } })
    }

    /// The canonical form as text: the labels, then the edges, e.g.
    /// `input,conv3x3-bn-relu,output;0>1,1>2`.
    ///
    /// - Throws: `CellError.outputUnreachable` when the cell has no input→output path.
    public func canonicalNotation() throws(CellError) -> String {
        try canonicalForm().notation
    }

    /// A stable identity of the cell's isomorphism class: the SHA-256 hex digest of
    /// `canonicalNotation()`.
    ///
    /// - Throws: `CellError.outputUnreachable` when the cell has no input→output path.
    public func canonicalHash() throws(CellError) -> String {
        SHA256.hexDigest(of: try canonicalNotation())
    }

    /// NAS-Bench-101's own graph hash of the pruned cell (`graph_util.hash_module`: iterated MD5
    /// over in/out degrees, labels and sorted neighbour hashes), the `key` of its dataset; use it
    /// to look a cell up in NAS-Bench-101 data. It is invariant under isomorphism but, unlike
    /// `canonicalHash()`, not proven collision-free.
    ///
    /// - Throws: `CellError.outputUnreachable` when the cell has no input→output path.
    public func nasBench101Hash() throws(CellError) -> String {
        let cell = try pruned()
        let n = cell.vertexCount
        let a = cell.adjacency
        var hashes = (0..<n).map { v -> String in
            let outDegree = a[v].filter { $0 }.count
            let inDegree = (0..<n).filter { a[$0][v] }.count
            return MD5.hexDigest(of: "(\(outDegree), \(inDegree), \(cell.operations[v].nasBench101Label))")
        }
        for _ in 0..<n {
            hashes = (0..<n).map { v in
                let incoming = (0..<n).filter { a[$0][v] }.map { hashes[$0] }.sorted().joined()
                let outgoing = (0..<n).filter { a[v][$0] }.map { hashes[$0] }.sorted().joined()
                return MD5.hexDigest(of: incoming + "|" + outgoing + "|" + hashes[v])
            }
        }
        // Python's str() of a sorted list of strings.
        return MD5.hexDigest(of: "[" + hashes.sorted().map { "'\($0)'" }.joined(separator: ", ") + "]")
    }

    /// For results of pruning and relabelling a valid cell, which keep every invariant.
    private init(uncheckedOperations: [CellOperation], adjacency: [[Bool]]) {
        self.operations = uncheckedOperations
        self.adjacency = adjacency
    }
}

/// Every permutation of `elements` (Heap's algorithm); `[[]]` for an empty list.
private func permutations(of elements: [Int]) -> [[Int]] {
    var result: [[Int]] = []
    var items = elements
    func generate(_ k: Int) {
        if k <= 1 {
            result.append(items)
            return
        }
        for i in 0..<(k - 1) {
            generate(k - 1)
            items.swapAt(k % 2 == 0 ? i : 0, k - 1)
        }
        generate(k - 1)
    }
    generate(items.count)
    return result
}
