/// Kendall's rank correlation τ-b, which accounts for ties in either ranking
/// (ALGORITHMS.md §5; SciPy's `scipy.stats.kendalltau`, `variant='b'`).
///
/// `τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂))` with `n₀ = n(n−1)/2` pairs, `n₁` pairs tied in
/// the first list and `n₂` in the second. Computed in O(n log n) as Knight (1966) does and SciPy
/// follows: sort by (x, y), count the ties in x and the joint ties, then count the discordant
/// pairs as the inversions a merge sort on y undoes.
public enum KendallTau {
    /// τ-b of two paired lists.
    ///
    /// - Returns: τ-b in [−1, 1], or `nil` when one list is constant (every pair tied; SciPy
    ///   returns NaN there).
    /// - Throws: `MetricError` for lists of different lengths, fewer than two values or
    ///   non-finite values.
    public static func tauB(_ x: [Double], _ y: [Double]) throws(MetricError) -> Double? {
        try MetricError.check(x, "x", y, "y", minimum: 2)
        let n = x.count
        let order = (0..<n).sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        let total = n * (n - 1) / 2
        let xTies = tiedPairs(order.map { x[$0] })
        let jointTies = tiedPairs(order.map { JointKey(x: x[$0], y: y[$0]) })
        var ySorted = order.map { y[$0] }
        var buffer = ySorted
        let discordant = inversions(&ySorted, &buffer, 0, n)
        let yTies = tiedPairs(ySorted)
        guard xTies < total, yTies < total else { return nil }
        let concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant
        let tau =
            Double(concordantMinusDiscordant)
            / (Double(total - xTies).squareRoot() * Double(total - yTies).squareRoot())
        return min(1, max(-1, tau))
    }

    private struct JointKey: Equatable {
        var x: Double
        var y: Double
    }

    /// The number of tied pairs in a sorted list: Σ t(t−1)/2 over runs of equal values.
    private static func tiedPairs<Value: Equatable>(_ sorted: [Value]) -> Int {
        var pairs = 0
        var run = 1
        for index in sorted.indices.dropFirst() {
            if sorted[index] == sorted[index - 1] {
                run += 1
            } else {
                pairs += run * (run - 1) / 2
                run = 1
            }
        }
        return pairs + run * (run - 1) / 2
    }

    /// Sorts `values[lower..<upper]` ascending (merge sort) and returns the number of pairs
    /// `i < j` with `values[i] > values[j]` it found (strict: equal values are not inversions).
    private static func inversions(_ values: inout [Double], _ buffer: inout [Double], _ lower: Int, _ upper: Int)
        -> Int
    {
        guard upper - lower > 1 else { return 0 }
        let middle = (lower + upper) / 2
        var count = inversions(&values, &buffer, lower, middle) + inversions(&values, &buffer, middle, upper)
        var left = lower
        var right = middle
        var out = lower
        while left < middle && right < upper {
            if values[right] < values[left] {
                buffer[out] = values[right]
                count += middle - left
                right += 1
            } else {
                buffer[out] = values[left]
                left += 1
            }
            out += 1
        }
        while left < middle {
            buffer[out] = values[left]
            left += 1
            out += 1
        }
        while right < upper {
            buffer[out] = values[right]
            right += 1
            out += 1
        }
        for index in lower..<upper { values[index] = buffer[index] }
        return count
    }
}
