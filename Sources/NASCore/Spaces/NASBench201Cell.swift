/// A NAS-Bench-201 cell (Dong & Yang 2020; ALGORITHMS.md §6): 4 nodes, node 0 the input and
/// node 3 the output, every node i > 0 summing one edge from each j < i, so 6 edges, each with one
/// of the five `NASBench201Operation`s. 5⁶ = 15,625 cells.
///
/// Its written form is the benchmark's own string,
/// `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`:
/// nodes 1, 2, 3 separated by `+`, each node's incoming edges as `op~j`. That string is also its
/// identity: isomorphic cells are not merged, so the 15,625 stay distinct as in the benchmark.
public struct NASBench201Cell: Hashable, Sendable {
    /// The six edges as (to, from) pairs, in the order of `operations` and of the string form:
    /// 1←0, 2←0, 2←1, 3←0, 3←1, 3←2.
    public static let edges: [(to: Int, from: Int)] = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]

    /// The number of nodes, input and output included.
    public static let nodeCount = 4

    /// The operation of each edge, in `edges` order.
    public let operations: [NASBench201Operation]

    /// Creates a cell from its six edge operations in `edges` order.
    ///
    /// - Throws: `NASBench201NotationError.wrongEdgeCount` unless there are exactly six.
    public init(operations: [NASBench201Operation]) throws(NASBench201NotationError) {
        guard operations.count == Self.edges.count else {
            throw NASBench201NotationError(offset: 0, problem: .wrongEdgeCount(operations.count))
        }
        self.operations = operations
    }

    /// Parses the benchmark's string form (no whitespace).
    ///
    /// - Throws: `NASBench201NotationError` with the 0-based character offset of the problem.
    public init(notation: String) throws(NASBench201NotationError) {
        let characters = Array(notation)
        var position = 0
        var operations: [NASBench201Operation] = []
        func fail(_ problem: NASBench201NotationError.Problem) -> NASBench201NotationError {
            NASBench201NotationError(offset: position, problem: problem)
        }
        for node in 1..<Self.nodeCount {
            if node > 1 {
                guard position < characters.count, characters[position] == "+" else {
                    throw fail(.expected("'+' before node \(node)"))
                }
                position += 1
            }
            guard position < characters.count, characters[position] == "|" else {
                throw fail(.expected("'|' opening node \(node)"))
            }
            position += 1
            for input in 0..<node {
                let start = position
                while position < characters.count, characters[position] != "~", characters[position] != "|" {
                    position += 1
                }
                let name = String(characters[start..<position])
                guard let operation = NASBench201Operation(rawValue: name) else {
                    position = start
                    throw fail(.unknownOperation(name))
                }
                guard position < characters.count, characters[position] == "~" else {
                    throw fail(.expected("'~' after \(name)"))
                }
                position += 1
                let digitsStart = position
                while position < characters.count, characters[position].isASCII, characters[position].isNumber {
                    position += 1
                }
                guard let from = Int(String(characters[digitsStart..<position])), from == input else {
                    position = digitsStart
                    throw fail(.wrongInput(node: node, expected: input))
                }
                guard position < characters.count, characters[position] == "|" else {
                    throw fail(.expected("'|' after \(name)~\(input)"))
                }
                position += 1
                operations.append(operation)
            }
        }
        guard position == characters.count else { throw fail(.trailingText) }
        self.operations = operations
    }

    /// The benchmark's string form; `NASBench201Cell(notation: c.notation) == c`.
    public var notation: String {
        var nodes: [String] = []
        var index = 0
        for node in 1..<Self.nodeCount {
            var text = "|"
            for input in 0..<node {
                text += "\(operations[index].rawValue)~\(input)|"
                index += 1
            }
            nodes.append(text)
        }
        return nodes.joined(separator: "+")
    }

    /// The operation on the edge into `node` from `input` (`0 ≤ input < node ≤ 3`), or `nil`
    /// for a pair that is not an edge.
    public func operation(to node: Int, from input: Int) -> NASBench201Operation? {
        guard let index = Self.edges.firstIndex(where: { $0.to == node && $0.from == input }) else { return nil }
        return operations[index]
    }

    /// The cell with edge `edge` (an index into `edges`) carrying `operation`.
    public func replacing(edge: Int, with operation: NASBench201Operation) -> NASBench201Cell {
        var operations = self.operations
        operations[edge] = operation
        return NASBench201Cell(unchecked: operations)
    }

    /// A cell from operations the caller built one per edge (a complete decision trajectory, a
    /// valid cell's edited copy): exactly six, unchecked.
    public init(unchecked operations: [NASBench201Operation]) {
        self.operations = operations
    }
}

extension NASBench201Cell: CustomStringConvertible {
    /// The string form (`notation`).
    public var description: String { notation }
}
