/// Single-precision matrix multiplication, `C = op(A)·op(B)` or `C += op(A)·op(B)`, written here
/// without BLAS.
///
/// The classic Goto/BLIS structure: `k` is cut into blocks of `depthBlock`; for each block the
/// columns of `op(B)` are packed into panels of `panelWidth` (one `SIMD8<Float>` per row) and the
/// rows of `op(A)` into panels of `panelHeight`, and a register-blocked micro-kernel accumulates a
/// `panelHeight × panelWidth` tile of `C`. Tiles of `rowBlock × columnBlock` elements are the units
/// of parallel work; their boundaries depend on `m`, `n`, `k` only, and each element of `C` is summed
/// over `k` in increasing order by exactly one task, so results do not depend on the thread count.
public enum MatrixMultiply {
    static let panelHeight = 4
    static let panelWidth = 8
    static let depthBlock = 256
    static let rowBlock = 64
    static let columnBlock = 128
    /// Below this many multiply-adds a product runs on the calling thread: dispatching costs more.
    static let parallelThreshold = 1 << 17

    /// Computes `C = op(A)·op(B)` (or adds it into `C` when `accumulate`), on raw row-major storage.
    ///
    /// `op(A)` is `m × k` and `op(B)` is `k × n`; with `transposeA` the storage of `A` is `k × m`
    /// (leading dimension `lda`), likewise for `B`. Callers keep the buffers alive for the call.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, parallelism: Parallelism
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate {
                for i in 0..<m {
                    (c + i * ldc).initialize(repeating: 0, count: n)
                }
            }
            return
        }
        let operands = Operands(
            a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB, c: c, ldc: ldc)
        let rowTiles = (m + rowBlock - 1) / rowBlock
        let columnTiles = (n + columnBlock - 1) / columnBlock
        let isParallel = m * n * k >= parallelThreshold && rowTiles * columnTiles > 1
        let threads = isParallel ? parallelism : .serial
        threads.forEachTask(rowTiles * columnTiles) { tile in
            let rowStart = (tile / columnTiles) * rowBlock
            let columnStart = (tile % columnTiles) * columnBlock
            computeTile(
                operands,
                rows: rowStart..<min(m, rowStart + rowBlock),
                columns: columnStart..<min(n, columnStart + columnBlock),
                k: k, accumulate: accumulate)
        }
    }

    /// The pointers of one product; safe to share between tasks because tasks write disjoint tiles of `c`
    /// and only read `a` and `b`.
    struct Operands: @unchecked Sendable {
        let a: UnsafePointer<Float>
        let lda: Int
        let transposeA: Bool
        let b: UnsafePointer<Float>
        let ldb: Int
        let transposeB: Bool
        let c: UnsafeMutablePointer<Float>
        let ldc: Int
    }

    @_optimize(speed)
    private static func computeTile(
        _ operands: Operands, rows: Range<Int>, columns: Range<Int>, k: Int, accumulate: Bool
    ) {
        let rowPanels = (rows.count + panelHeight - 1) / panelHeight
        let columnPanels = (columns.count + panelWidth - 1) / panelWidth
        let depth = min(depthBlock, k)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rowPanels * panelHeight * depth) { packedA in
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: columnPanels * depth) { packedB in
                var depthStart = 0
                while depthStart < k {
                    let depthCount = min(depthBlock, k - depthStart)
                    packA(operands, rows: rows, depth: depthStart..<(depthStart + depthCount), into: packedA)
                    packB(operands, columns: columns, depth: depthStart..<(depthStart + depthCount), into: packedB)
                    let overwrite = !accumulate && depthStart == 0
                    for columnPanel in 0..<columnPanels {
                        let bPanel = packedB.baseAddress.unsafelyUnwrapped + columnPanel * depthCount
                        let column = columns.lowerBound + columnPanel * panelWidth
                        let width = min(panelWidth, columns.upperBound - column)
                        for rowPanel in 0..<rowPanels {
                            let aPanel = packedA.baseAddress.unsafelyUnwrapped + rowPanel * panelHeight * depthCount
                            let row = rows.lowerBound + rowPanel * panelHeight
                            let height = min(panelHeight, rows.upperBound - row)
                            microKernel(
                                depth: depthCount, a: aPanel, b: bPanel,
                                c: operands.c + row * operands.ldc + column, ldc: operands.ldc,
                                height: height, width: width, overwrite: overwrite)
                        }
                    }
                    depthStart += depthCount
                }
            }
        }
    }

    /// Packs `op(A)[rows, depth]` as consecutive `panelHeight`-row panels, each stored depth-major
    /// (`panelHeight` values per depth step), zero-padding the last panel.
    @_optimize(speed)
    private static func packA(
        _ operands: Operands, rows: Range<Int>, depth: Range<Int>, into packed: UnsafeMutableBufferPointer<Float>
    ) {
        let out = packed.baseAddress.unsafelyUnwrapped
        let depthCount = depth.count
        var panelStart = rows.lowerBound
        var panelOffset = 0
        while panelStart < rows.upperBound {
            let height = min(panelHeight, rows.upperBound - panelStart)
            if operands.transposeA && height == panelHeight {
                // Rows of op(A) are columns of A: read each depth step's four neighbours together.
                for p in 0..<depthCount {
                    let source = operands.a + (depth.lowerBound + p) * operands.lda + panelStart
                    let destination = out + panelOffset + p * panelHeight
                    for r in 0..<panelHeight {
                        destination[r] = source[r]
                    }
                }
                panelStart += panelHeight
                panelOffset += panelHeight * depthCount
                continue
            }
            for r in 0..<panelHeight {
                let destination = out + panelOffset + r
                if r >= height {
                    for p in 0..<depthCount {
                        destination[p * panelHeight] = 0
                    }
                } else if operands.transposeA {
                    let source = operands.a + depth.lowerBound * operands.lda + panelStart + r
                    for p in 0..<depthCount {
                        destination[p * panelHeight] = source[p * operands.lda]
                    }
                } else {
                    let source = operands.a + (panelStart + r) * operands.lda + depth.lowerBound
                    for p in 0..<depthCount {
                        destination[p * panelHeight] = source[p]
                    }
                }
            }
            panelStart += panelHeight
            panelOffset += panelHeight * depthCount
        }
    }

    /// Packs `op(B)[depth, columns]` as consecutive `panelWidth`-column panels, one vector per depth
    /// step, zero-padding the last panel.
    @_optimize(speed)
    private static func packB(
        _ operands: Operands, columns: Range<Int>, depth: Range<Int>,
        into packed: UnsafeMutableBufferPointer<SIMD8<Float>>
    ) {
        let out = packed.baseAddress.unsafelyUnwrapped
        let depthCount = depth.count
        var panel = 0
        var column = columns.lowerBound
        while column < columns.upperBound {
            let width = min(panelWidth, columns.upperBound - column)
            let destination = out + panel * depthCount
            if operands.transposeB {
                for p in 0..<depthCount {
                    var vector = SIMD8<Float>()
                    let source = operands.b + column * operands.ldb + depth.lowerBound + p
                    for j in 0..<width {
                        vector[j] = source[j * operands.ldb]
                    }
                    destination[p] = vector
                }
            } else if width == panelWidth {
                for p in 0..<depthCount {
                    let source = operands.b + (depth.lowerBound + p) * operands.ldb + column
                    destination[p] = UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self)
                }
            } else {
                for p in 0..<depthCount {
                    var vector = SIMD8<Float>()
                    let source = operands.b + (depth.lowerBound + p) * operands.ldb + column
                    for j in 0..<width {
                        vector[j] = source[j]
                    }
                    destination[p] = vector
                }
            }
            panel += 1
            column += panelWidth
        }
    }

    /// Accumulates a `panelHeight × panelWidth` tile over `depth` steps in registers, then writes
    /// (or adds) its valid `height × width` corner into `c`.
    @_optimize(speed)
    @inline(__always)
    private static func microKernel(
        depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<SIMD8<Float>>,
        c: UnsafeMutablePointer<Float>, ldc: Int, height: Int, width: Int, overwrite: Bool
    ) {
        var c0 = SIMD8<Float>()
        var c1 = SIMD8<Float>()
        var c2 = SIMD8<Float>()
        var c3 = SIMD8<Float>()
        var aStep = a
        for p in 0..<depth {
            let bRow = b[p]
            c0 += bRow * SIMD8(repeating: aStep[0])
            c1 += bRow * SIMD8(repeating: aStep[1])
            c2 += bRow * SIMD8(repeating: aStep[2])
            c3 += bRow * SIMD8(repeating: aStep[3])
            aStep += panelHeight
        }
        let tile = (c0, c1, c2, c3)
        if width == panelWidth {
            for r in 0..<height {
                let vector: SIMD8<Float>
                switch r {
                case 0: vector = tile.0
                case 1: vector = tile.1
                case 2: vector = tile.2
                default: vector = tile.3
                }
                let destination = UnsafeMutableRawPointer(c + r * ldc)
                if overwrite {
                    destination.storeBytes(of: vector, as: SIMD8<Float>.self)
                } else {
                    let sum = destination.loadUnaligned(as: SIMD8<Float>.self) + vector
                    destination.storeBytes(of: sum, as: SIMD8<Float>.self)
                }
            }
        } else {
            for r in 0..<height {
                let vector: SIMD8<Float>
                switch r {
                case 0: vector = tile.0
                case 1: vector = tile.1
                case 2: vector = tile.2
                default: vector = tile.3
                }
                let destination = c + r * ldc
                for j in 0..<width {
                    destination[j] = overwrite ? vector[j] : destination[j] + vector[j]
                }
            }
        }
    }
}
