/// A cell as a curves file records it: its operations exactly as given and its adjacency matrix.
///
/// This is a raw value on purpose: the cell search space interprets the operations (NAS-Bench-101
/// codes `-1` input, `-2` output, `0/1/2` the three ops, or names such as `"conv3x3-bn-relu"`),
/// prunes and hashes it.
public struct RecordedCell: Hashable, Sendable {
    /// One operation label as written in the file.
    public enum Operation: Hashable, Sendable {
        /// A numeric op code, e.g. NAS-Bench-101's `-1`, `-2`, `0`, `1`, `2`.
        case code(Int)
        /// An op name, e.g. `"conv3x3-bn-relu"`.
        case name(String)
    }

    /// The operation of each node, input first.
    public var operations: [Operation]
    /// `adjacency[i][j] == 1` when node `i` feeds node `j`; square, one row per operation.
    public var adjacency: [[Int]]

    /// Creates a cell from its operations and adjacency matrix, unchecked.
    public init(operations: [Operation], adjacency: [[Int]]) {
        self.operations = operations
        self.adjacency = adjacency
    }
}
