/// Why a metric could not be computed from the values given.
public enum MetricError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The two lists differ in length.
    case lengthMismatch(first: Int, second: Int)
    /// There are fewer values than the metric needs.
    case tooFewValues(count: Int, minimum: Int)
    /// The value at `index` of the named list is NaN or infinite.
    case nonFinite(list: String, index: Int)

    public var description: String {
        switch self {
        case .lengthMismatch(let first, let second):
            return "the lists differ in length (\(first) and \(second))"
        case .tooFewValues(let count, let minimum):
            return "\(count) values given; the metric needs at least \(minimum)"
        case .nonFinite(let list, let index):
            return "\(list)[\(index)] is not a finite number"
        }
    }

    /// Checks that two lists are paired, long enough and finite.
    static func check(_ first: [Double], _ firstName: String, _ second: [Double], _ secondName: String, minimum: Int)
        throws(MetricError)
    {
        guard first.count == second.count else { throw .lengthMismatch(first: first.count, second: second.count) }
        guard first.count >= minimum else { throw .tooFewValues(count: first.count, minimum: minimum) }
        if let index = first.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(list: firstName, index: index) }
        if let index = second.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(list: secondName, index: index) }
    }
}
