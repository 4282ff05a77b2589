extension CellSpace {
    /// A mutation of a NAS-Bench-101 cell that is again a valid cell of the space: with
    /// probability ½ one edge of the `maxVertices`-vertex graph is flipped (added or removed),
    /// otherwise one interior vertex gets another operation of the space.
    ///
    /// Some cells have no single-edit neighbour (the bare `input → output` cell: an added edge
    /// leads to a vertex with no path onwards and is pruned away), so the first third of the
    /// attempts make one edit, the next third two and the last third three, as NAS-Bench-101's own
    /// mutation may change several edges and operations at once.
    ///
    /// The cell is first embedded in a `maxVertices`-vertex graph (vertices a pruned cell lacks are
    /// added before the output, unconnected, with random operations) so that an added edge can
    /// grow the cell. The result is pruned and re-checked against the vertex and edge limits
    /// (`validated(_:)`) and must differ from the cell up to isomorphism (`canonicalNotation()`);
    /// a draw that fails is redrawn, at most `maxSamplingAttempts` times.
    ///
    /// - Throws: `SpaceMutationError.networkNotInSpace` when `cell` is not a valid cell of the space,
    ///   `.noLegalMutation` when no attempt succeeds.
    public func mutate(_ cell: Cell, using generator: inout some RandomNumberGenerator) throws(SpaceMutationError)
        -> Cell
    {
        let parent: Cell
        let parentIdentity: String
        do {
            parent = try validated(cell)
            parentIdentity = try parent.canonicalNotation()
        } catch {
            throw .networkNotInSpace(space: "cell", notation: cell.notation)
        }
        let m = configuration.maxVertices
        let n = parent.vertexCount
        let interior = configuration.operations
        let attempts = configuration.maxSamplingAttempts
        for attempt in 0..<attempts {
            // Old vertex v < n − 1 keeps its index; the output moves to m − 1.
            let position = { (v: Int) in v == n - 1 ? m - 1 : v }
            var adjacency = Array(repeating: Array(repeating: false, count: m), count: m)
            for i in 0..<n {
                for j in 0..<n where parent.adjacency[i][j] { adjacency[position(i)][position(j)] = true }
            }
            var operations = parent.operations.dropLast() + []
            while operations.count < m - 1 {
                operations.append(interior[Int.random(in: 0..<interior.count, using: &generator)])
            }
            operations.append(.output)
            for _ in 0...(attempt * 3 / max(attempts, 1)) {
                if m > 2, interior.count > 1, Bool.random(using: &generator) {
                    let vertex = Int.random(in: 1..<(m - 1), using: &generator)
                    let others = interior.filter { $0 != operations[vertex] }
                    operations[vertex] = others[Int.random(in: 0..<others.count, using: &generator)]
                } else {
                    let i = Int.random(in: 0..<(m - 1), using: &generator)
                    let j = Int.random(in: (i + 1)..<m, using: &generator)
                    adjacency[i][j].toggle()
                }
            }
            guard let candidate = try? Cell(operations: Array(operations), adjacency: adjacency),
                let child = try? validated(candidate), let identity = try? child.canonicalNotation(),
                identity != parentIdentity
            else { continue }
            return child
        }
        throw .noLegalMutation(space: "cell", notation: cell.notation, attempts: attempts)
    }
}
