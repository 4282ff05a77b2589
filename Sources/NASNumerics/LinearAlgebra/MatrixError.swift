/// Why a matrix could not be built from the values given.
public enum MatrixError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A dimension was negative.
    case negativeDimension(rows: Int, columns: Int)
    /// The element list does not have `rows × columns` elements.
    case elementCount(expected: Int, found: Int)
    /// Row `index` has `found` elements where the first row has `expected`.
    case raggedRow(index: Int, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .negativeDimension(let rows, let columns):
            return "a matrix cannot be \(rows)×\(columns)"
        case .elementCount(let expected, let found):
            return "a matrix of that shape has \(expected) elements, not \(found)"
        case .raggedRow(let index, let expected, let found):
            return "row \(index) has \(found) elements; the first row has \(expected)"
        }
    }
}
