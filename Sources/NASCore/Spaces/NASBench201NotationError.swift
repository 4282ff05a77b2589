/// Why a NAS-Bench-201 cell string (`|nor_conv_3x3~0|+|…~0|…~1|+|…~0|…~1|…~2|`) could not be
/// read: the 0-based character offset and what was wrong there.
public struct NASBench201NotationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Problem: Hashable, Sendable {
        /// A delimiter was expected (its description).
        case expected(String)
        /// An operation name that is not a `NASBench201Operation`.
        case unknownOperation(String)
        /// An edge into `node` names the wrong input node (`expected` is the one due there).
        case wrongInput(node: Int, expected: Int)
        /// Text after the third node.
        case trailingText
        /// A cell was built from a number of operations other than six.
        case wrongEdgeCount(Int)
    }

    /// The 0-based character offset of the problem.
    public var offset: Int
    /// What was wrong.
    public var problem: Problem

    /// Creates an error at `offset`.
    public init(offset: Int, problem: Problem) {
        self.offset = offset
        self.problem = problem
    }

    /// `offset 14: unknown operation "conv3x3" (expected one of none, skip_connect, …)`.
    public var description: String {
        switch problem {
        case .expected(let what):
            return "offset \(offset): expected \(what)"
        case .unknownOperation(let name):
            let names = NASBench201Operation.allCases.map(\.rawValue).joined(separator: ", ")
            return "offset \(offset): unknown operation \"\(name)\" (expected one of \(names))"
        case .wrongInput(let node, let expected):
            return "offset \(offset): edge \(expected + 1) of node \(node) must read '~\(expected)'"
        case .trailingText:
            return "offset \(offset): unexpected text after the third node"
        case .wrongEdgeCount(let count):
            return "a NAS-Bench-201 cell has 6 edges, found \(count) operations"
        }
    }
}
