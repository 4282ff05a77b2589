extension MatrixMultiply {
    /// `C = op(A)·op(B)` (or `C += …` when `accumulate`) on whole row-major arrays with leading
    /// dimensions implied by the shapes: `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n`.
    static func multiply(
        m: Int, n: Int, k: Int,
        _ a: [Float], transposeA: Bool = false,
        _ b: [Float], transposeB: Bool = false,
        into c: inout [Float], accumulate: Bool = false, parallelism: Parallelism
    ) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matrix storage too small")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // An empty inner extent: the product is zero (and an empty array may have no base address).
            if !accumulate {
                for index in 0..<(m * n) {
                    c[index] = 0
                }
            }
            return
        }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    multiply(
                        m: m, n: n, k: k,
                        a: a.baseAddress.unsafelyUnwrapped, lda: transposeA ? m : k, transposeA: transposeA,
                        b: b.baseAddress.unsafelyUnwrapped, ldb: transposeB ? k : n, transposeB: transposeB,
                        c: c.baseAddress.unsafelyUnwrapped, ldc: n,
                        accumulate: accumulate, parallelism: parallelism)
                }
            }
        }
    }
}

extension Tensor {
    /// The matrix product `op(self) · op(other)` of two rank-2 tensors.
    ///
    /// - Parameters:
    ///   - transposeSelf: use `selfᵀ`.
    ///   - transposeOther: use `otherᵀ`.
    ///   - parallelism: threads the product may use; the result does not depend on it.
    /// - Throws: `NeuralNetworkError.shapeMismatch` when the operands are not rank 2 or their inner
    ///   extents differ.
    public func matrixProduct(
        _ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false,
        parallelism: Parallelism = .serial
    ) throws -> Tensor {
        guard rank == 2 else {
            throw NeuralNetworkError.shapeMismatch(operation: "matrixProduct", expected: [-1, -1], actual: shape)
        }
        let (m, k) = transposeSelf ? (shape[1], shape[0]) : (shape[0], shape[1])
        guard other.rank == 2, (transposeOther ? other.shape[1] : other.shape[0]) == k else {
            throw NeuralNetworkError.shapeMismatch(
                operation: "matrixProduct", expected: transposeOther ? [-1, k] : [k, -1], actual: other.shape)
        }
        let n = transposeOther ? other.shape[0] : other.shape[1]
        var result = Tensor(shape: [m, n])
        MatrixMultiply.multiply(
            m: m, n: n, k: k, scalars, transposeA: transposeSelf, other.scalars, transposeB: transposeOther,
            into: &result.scalars, parallelism: parallelism)
        return result
    }
}
