/// A dense matrix of `Double`s stored row-major: the one matrix type for double-precision
/// numerics in nasd (design matrices, Gram matrices, least squares).
///
/// Element `(row, column)` lives at `values[row * columns + column]`. Shapes are checked: an
/// operation on matrices whose shapes do not fit is a programming error and traps with the two
/// shapes; building a matrix from outside data (`init(rows:)`, decoding) throws instead.
public struct Matrix: Hashable, Sendable {
    /// The number of rows.
    public let rowCount: Int
    /// The number of columns.
    public let columnCount: Int
    /// The elements, row after row (`rowCount × columnCount` of them).
    public private(set) var values: [Double]

    /// Creates a matrix with every element equal to `value`.
    ///
    /// - Precondition: `rowCount >= 0`, `columnCount >= 0`.
    public init(rowCount: Int, columnCount: Int, repeating value: Double = 0) {
        precondition(rowCount >= 0 && columnCount >= 0, "a matrix cannot have a negative dimension")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = Array(repeating: value, count: rowCount * columnCount)
    }

    /// Creates a matrix from its elements in row-major order.
    ///
    /// - Throws: `MatrixError.elementCount` when `values.count != rowCount × columnCount`, or
    ///   `.negativeDimension`.
    public init(rowCount: Int, columnCount: Int, values: [Double]) throws(MatrixError) {
        guard rowCount >= 0, columnCount >= 0 else {
            throw .negativeDimension(rows: rowCount, columns: columnCount)
        }
        guard values.count == rowCount * columnCount else {
            throw .elementCount(expected: rowCount * columnCount, found: values.count)
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// Creates a matrix from a list of rows of equal length (an empty list gives a 0×0 matrix).
    ///
    /// - Throws: `MatrixError.raggedRow` naming the first row whose length differs from the first.
    public init(rows: [[Double]]) throws(MatrixError) {
        let columns = rows.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rows.count * columns)
        for (index, row) in rows.enumerated() {
            guard row.count == columns else {
                throw .raggedRow(index: index, expected: columns, found: row.count)
            }
            values.append(contentsOf: row)
        }
        self.rowCount = rows.count
        self.columnCount = columns
        self.values = values
    }

    /// The `n × n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var matrix = Matrix(rowCount: n, columnCount: n)
        for i in 0..<n { matrix[i, i] = 1 }
        return matrix
    }

    /// The element at `(row, column)`.
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(contains(row: row, column: column), "index (\(row), \(column)) outside \(shapeText)")
            return values[row * columnCount + column]
        }
        set {
            precondition(contains(row: row, column: column), "index (\(row), \(column)) outside \(shapeText)")
            values[row * columnCount + column] = newValue
        }
    }

    /// One row as an array.
    public func row(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < rowCount, "row \(index) outside \(shapeText)")
        return Array(values[(index * columnCount)..<((index + 1) * columnCount)])
    }

    /// One column as an array.
    public func column(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < columnCount, "column \(index) outside \(shapeText)")
        return (0..<rowCount).map { values[$0 * columnCount + index] }
    }

    /// Every row, as arrays.
    public var rows: [[Double]] {
        (0..<rowCount).map(row)
    }

    /// The matrix made of the given rows, in the given order (indices may repeat).
    public func selectingRows<Indices: Sequence>(_ indices: Indices) -> Matrix where Indices.Element == Int {
        var selected: [Double] = []
        var count = 0
        for index in indices {
            precondition(index >= 0 && index < rowCount, "row \(index) outside \(shapeText)")
            selected.append(contentsOf: values[(index * columnCount)..<((index + 1) * columnCount)])
            count += 1
        }
        return Matrix(unchecked: count, columnCount, selected)
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: rowCount)
        for r in 0..<rowCount {
            for c in 0..<columnCount {
                result.values[c * rowCount + r] = values[r * columnCount + c]
            }
        }
        return result
    }

    /// The mean of each column (zeros for a matrix without rows).
    public func columnMeans() -> [Double] {
        var sums = Array(repeating: 0.0, count: columnCount)
        for r in 0..<rowCount {
            for c in 0..<columnCount { sums[c] += values[r * columnCount + c] }
        }
        guard rowCount > 0 else { return sums }
        return sums.map { $0 / Double(rowCount) }
    }

    /// The population standard deviation of each column (divisor `rowCount`, as NumPy's default
    /// `ddof=0`); zeros for a matrix without rows.
    public func columnStandardDeviations() -> [Double] {
        let means = columnMeans()
        var sums = Array(repeating: 0.0, count: columnCount)
        for r in 0..<rowCount {
            for c in 0..<columnCount {
                let deviation = values[r * columnCount + c] - means[c]
                sums[c] += deviation * deviation
            }
        }
        guard rowCount > 0 else { return sums }
        return sums.map { ($0 / Double(rowCount)).squareRoot() }
    }

    /// The matrix product `lhs · rhs`.
    ///
    /// - Precondition: `lhs.columnCount == rhs.rowCount`.
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columnCount == rhs.rowCount, "cannot multiply \(lhs.shapeText) by \(rhs.shapeText)")
        var result = Matrix(rowCount: lhs.rowCount, columnCount: rhs.columnCount)
        let n = rhs.columnCount
        for r in 0..<lhs.rowCount {
            for k in 0..<lhs.columnCount {
                let a = lhs.values[r * lhs.columnCount + k]
                if a == 0 { continue }
                for c in 0..<n {
                    result.values[r * n + c] += a * rhs.values[k * n + c]
                }
            }
        }
        return result
    }

    /// The matrix–vector product `lhs · rhs`.
    ///
    /// - Precondition: `lhs.columnCount == rhs.count`.
    public static func * (lhs: Matrix, rhs: [Double]) -> [Double] {
        precondition(lhs.columnCount == rhs.count, "cannot multiply \(lhs.shapeText) by a vector of \(rhs.count)")
        return (0..<lhs.rowCount).map { r in
            var sum = 0.0
            for c in 0..<lhs.columnCount { sum += lhs.values[r * lhs.columnCount + c] * rhs[c] }
            return sum
        }
    }

    /// The element-wise sum.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        lhs.combined(with: rhs, +)
    }

    /// The element-wise difference.
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        lhs.combined(with: rhs, -)
    }

    /// Every element multiplied by a scalar.
    public static func * (lhs: Double, rhs: Matrix) -> Matrix {
        Matrix(unchecked: rhs.rowCount, rhs.columnCount, rhs.values.map { lhs * $0 })
    }

    /// The shape as text, `"R×C"`, for messages.
    public var shapeText: String { "\(rowCount)×\(columnCount)" }

    // MARK: - Private

    init(unchecked rowCount: Int, _ columnCount: Int, _ values: [Double]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    private func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < rowCount && column >= 0 && column < columnCount
    }

    private func combined(with other: Matrix, _ operation: (Double, Double) -> Double) -> Matrix {
        precondition(
            rowCount == other.rowCount && columnCount == other.columnCount,
            "shapes differ: \(shapeText) and \(other.shapeText)")
        return Matrix(unchecked: rowCount, columnCount, zip(values, other.values).map(operation))
    }
}
