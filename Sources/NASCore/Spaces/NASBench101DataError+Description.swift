extension NASBench101DataError: CustomStringConvertible {
    /// One line for a person, naming the field or the entry (0-based) at fault.
    public var description: String {
        switch self {
        case .malformedJSON(let error):
            return error.message
        case .noGraphEncoding(let missing):
            return "\(missing): missing; this export has no cells (keys and accuracies only), and converting needs "
                + "each cell's operations and adjacency, as in nasbench-vis's nb101_data-1k.json"
        case .lengthMismatch(let field, let count, let expected):
            return "\(field) has \(count) entries where key has \(expected)"
        case .unknownOperation(let entry, let vertex, let label):
            return "entry \(entry): vertex \(vertex) has label \(label), which is no NAS-Bench-101 operation "
                + "(-1 input, -2 output, 0 conv3x3, 1 conv1x1, 2 maxpool3x3, -3 padding)"
        case .invalidCell(let entry, let error):
            return "entry \(entry): \(error)"
        }
    }
}
