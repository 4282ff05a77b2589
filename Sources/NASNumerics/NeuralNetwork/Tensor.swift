/// A dense, row-major tensor of 32-bit floats: a shape and one contiguous storage array.
///
/// The last axis varies fastest, as in PyTorch's default (contiguous) layout, so a `[n, c, h, w]`
/// tensor here and a contiguous PyTorch tensor of the same shape hold their numbers in the same order.
public struct Tensor: Sendable, Equatable, Codable {
    /// The extent of each axis; empty for a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public var scalars: [Float]

    /// Creates a tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor extents must be non-negative: \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Creates a tensor from its shape and row-major elements.
    ///
    /// - Throws: `NeuralNetworkError.elementCountMismatch` when `scalars.count` is not the product of `shape`.
    public init(shape: [Int], scalars: [Float]) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == scalars.count else {
            throw NeuralNetworkError.elementCountMismatch(shape: shape, count: scalars.count)
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor whose elements are drawn by `element` in row-major order.
    public init(shape: [Int], generating element: () -> Float) {
        self.init(shape: shape)
        for index in scalars.indices {
            scalars[index] = element()
        }
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// Returns the same elements viewed with another shape of equal element count.
    ///
    /// - Throws: `NeuralNetworkError.elementCountMismatch` when the counts differ.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// The element at a multi-dimensional index (for tests and small look-ups, not for kernels).
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(of: index)] }
        set { scalars[offset(of: index)] = newValue }
    }

    private func offset(of index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var offset = 0
        for (axis, position) in index.enumerated() {
            precondition(position >= 0 && position < shape[axis], "index \(index) out of range for shape \(shape)")
            offset = offset * shape[axis] + position
        }
        return offset
    }

    /// Concatenates rank-2 tensors `[n, d_i]` along their second axis into `[n, Σ d_i]`.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the parts are not rank 2 with equal rows.
    public static func concatenatingColumns(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { return Tensor(shape: [0, 0]) }
        let rows = first.shape.first ?? 0
        for part in parts where part.rank != 2 || part.shape[0] != rows {
            throw NeuralNetworkError.shapeMismatch(
                operation: "concatenatingColumns", expected: [rows, -1], actual: part.shape)
        }
        let width = parts.reduce(0) { $0 + $1.shape[1] }
        var result = Tensor(shape: [rows, width])
        var column = 0
        for part in parts {
            let partWidth = part.shape[1]
            for row in 0..<rows {
                for j in 0..<partWidth {
                    result.scalars[row * width + column + j] = part.scalars[row * partWidth + j]
                }
            }
            column += partWidth
        }
        return result
    }

    /// Splits a rank-2 tensor `[n, Σ d_i]` into `[n, d_i]` parts: the inverse (and the backward pass)
    /// of `concatenatingColumns`.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the widths do not add up to the column count.
    public func splittingColumns(widths: [Int]) throws -> [Tensor] {
        guard rank == 2, widths.allSatisfy({ $0 >= 0 }), widths.reduce(0, +) == shape[1] else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "splittingColumns", expected: [-1, widths.reduce(0, +)], actual: shape)
        }
        let rows = shape[0]
        let width = shape[1]
        var column = 0
        return widths.map { partWidth in
            var part = Tensor(shape: [rows, partWidth])
            for row in 0..<rows {
                for j in 0..<partWidth {
                    part.scalars[row * partWidth + j] = scalars[row * width + column + j]
                }
            }
            column += partWidth
            return part
        }
    }

    /// Adds `other` element-wise into this tensor.
    ///
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the shapes differ.
    public mutating func add(_ other: Tensor) throws {
        guard other.shape == shape else {
            throw NeuralNetworkError.shapeMismatch(operation: "add", expected: shape, actual: other.shape)
        }
        for index in scalars.indices {
            scalars[index] += other.scalars[index]
        }
    }

    private enum CodingKeys: String, CodingKey {
        case shape, scalars
    }

    /// Decodes a tensor, checking that the element count matches the shape.
    ///
    /// - Throws: `DecodingError.dataCorrupted` when it does not.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let shape = try container.decode([Int].self, forKey: .shape)
        let scalars = try container.decode([Float].self, forKey: .scalars)
        do {
            try self.init(shape: shape, scalars: scalars)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .scalars, in: container, debugDescription: String(describing: error))
        }
    }

    /// Sets every element to zero, keeping the shape.
    public mutating func zero() {
        for index in scalars.indices {
            scalars[index] = 0
        }
    }
}
