/// Rows of the kernel matrix `K[i][j] = k(x_i, x_j)` of a training set, computed on demand and
/// kept in a least-recently-used cache of bounded size (LIBSVM's `Cache`, with `Double` rather
/// than `float` entries).
///
/// A row is computed whole (all `n` columns) the first time it is asked for; when the budget is
/// spent, the least recently used row makes room. At least two rows always fit, since an SMO step
/// needs the rows of both working-set variables at once.
///
/// A class so that the solver can read a row while it writes its own state; it lives only inside
/// one fit (`NuSVRSolver`) and is never shared between threads.
final class KernelCache {
    private let kernel: SVMKernel
    private let points: [Double]
    private let dimension: Int
    let count: Int
    private var storage: [Double]
    private var slotOfRow: [Int]
    private var rowOfSlot: [Int]
    private var lastUse: [UInt64]
    private var clock: UInt64 = 0
    /// The diagonal `k(x_i, x_i)`.
    let diagonal: [Double]

    /// Creates a cache over the rows of `points` within `byteBudget` bytes of kernel values.
    init(kernel: SVMKernel, points: Matrix, byteBudget: Int) {
        self.kernel = kernel
        self.points = points.values
        self.dimension = points.columnCount
        self.count = points.rowCount
        let rowBytes = max(1, count * MemoryLayout<Double>.stride)
        let slots = min(count, max(2, byteBudget / rowBytes))
        storage = Array(repeating: 0, count: slots * count)
        slotOfRow = Array(repeating: -1, count: count)
        rowOfSlot = Array(repeating: -1, count: slots)
        lastUse = Array(repeating: 0, count: slots)
        let dimension = points.columnCount
        diagonal = points.values.withUnsafeBufferPointer { values in
            (0..<points.rowCount).map { i in
                let x = UnsafeBufferPointer(rebasing: values[(i * dimension)..<((i + 1) * dimension)])
                return kernel.value(x, x)
            }
        }
    }

    /// The number of rows that fit at once.
    var slotCount: Int { rowOfSlot.count }

    /// Calls `body` with row `i` of the kernel matrix (`count` values), computing it if it is
    /// not cached.
    func withRow<Result>(_ i: Int, _ body: (UnsafeBufferPointer<Double>) -> Result) -> Result {
        clock &+= 1
        var slot = slotOfRow[i]
        if slot < 0 {
            slot = leastRecentlyUsedSlot()
            let evicted = rowOfSlot[slot]
            if evicted >= 0 { slotOfRow[evicted] = -1 }
            rowOfSlot[slot] = i
            slotOfRow[i] = slot
            fill(row: i, slot: slot)
        }
        lastUse[slot] = clock
        let start = slot * count
        return storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    private func leastRecentlyUsedSlot() -> Int {
        var best = 0
        for slot in 1..<lastUse.count where lastUse[slot] < lastUse[best] { best = slot }
        return best
    }

    private func fill(row i: Int, slot: Int) {
        let start = slot * count
        let dimension = self.dimension
        let kernel = self.kernel
        let count = self.count
        points.withUnsafeBufferPointer { values in
            storage.withUnsafeMutableBufferPointer { storage in
                let x = UnsafeBufferPointer(rebasing: values[(i * dimension)..<((i + 1) * dimension)])
                for j in 0..<count {
                    let z = UnsafeBufferPointer(rebasing: values[(j * dimension)..<((j + 1) * dimension)])
                    storage[start + j] = kernel.value(x, z)
                }
            }
        }
    }
}
