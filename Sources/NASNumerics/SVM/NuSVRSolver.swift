/// The SMO-type decomposition method for the ν-SVR dual, as LIBSVM's `Solver_NU` solves it
/// (Chang & Lin 2002; working-set selection WSS 3 of Fan, Chen & Lin 2005, "Working set selection
/// using second order information for training SVM", JMLR 6).
///
/// The dual has `2n` variables `α = (α⁺, α⁻)` with labels `y = (+1…, −1…)`:
///
///     min ½ αᵀQα + pᵀα   s.t. 0 ≤ α_t ≤ C,  Σ_{y=+1} α_t = Σ_{y=−1} α_t = C·ν·n/2,
///
/// `Q_st = y_s y_t K(s mod n, t mod n)`, `p = (−z, +z)` for targets `z`. Because of the two
/// equality constraints both variables of a working set share a label. Each step picks `i` with
/// the largest violation `−y_i ∇_i f` among variables that can move up and `j` that most decreases
/// the objective by the second-order estimate `−(∇_i + ∇_j)² / (Q_ii + Q_jj − 2Q_ij)`, solves the
/// two-variable problem analytically and clips it to the box. Shrinking (optional) sets aside
/// variables that sit at a bound and are unlikely to move, and rebuilds the full gradient before
/// the final check. The result gives the coefficients `α⁺ − α⁻` and the offset ρ (−intercept).
struct NuSVRSolver {
    /// LIBSVM's `TAU`: the curvature used when `Q_ii + Q_jj − 2Q_ij` is not positive.
    private static let tau = 1e-12

    private enum Status: UInt8 {
        case lowerBound, upperBound, free
    }

    /// What the solver found.
    struct Solution {
        /// `α⁺_i − α⁻_i` per training point, in input order.
        var coefficients: [Double]
        /// The offset ρ: the decision function is `Σ coef_i K(x_i, x) − ρ`.
        var rho: Double
        /// The tube half-width ε the ν constraint chose (LIBSVM's `−r`).
        var epsilon: Double
        /// SMO iterations taken.
        var iterations: Int
        /// Whether the stopping tolerance was met before the iteration limit.
        var converged: Bool
    }

    private let cache: KernelCache
    private let pointCount: Int
    private let variableCount: Int
    private let upperBound: Double
    private let tolerance: Double
    private let isShrinking: Bool
    private let maximumIterations: Int

    private var sign: [Double]
    private var realIndex: [Int]
    private var diagonal: [Double]
    private var linear: [Double]
    private var alpha: [Double]
    private var status: [Status]
    private var gradient: [Double]
    private var gradientAtBound: [Double]
    private var activeSet: [Int]
    private var activeSize: Int
    private var isUnshrunk = false
    /// Two kernel rows of the working set, `Q_i·` at `0..<2n` and `Q_j·` at `2n..<4n`.
    private var rows: [Double]

    /// Prepares the dual for targets `targets` over the points the cache holds.
    /// `maximumIterations` defaults to LIBSVM's `max(10⁷, 100·2n)`.
    init(
        cache: KernelCache, targets: [Double], c: Double, nu: Double, tolerance: Double, shrinking: Bool,
        maximumIterations: Int? = nil
    ) {
        let n = targets.count
        precondition(cache.count == n && n > 0, "the kernel cache and targets must describe the same points")
        self.cache = cache
        pointCount = n
        variableCount = 2 * n
        upperBound = c
        self.tolerance = tolerance
        isShrinking = shrinking
        self.maximumIterations = maximumIterations ?? max(10_000_000, 200 * n)
        sign = Array(repeating: 1, count: n) + Array(repeating: -1, count: n)
        realIndex = Array(0..<n) + Array(0..<n)
        diagonal = cache.diagonal + cache.diagonal
        linear = targets.map { -$0 } + targets
        // LIBSVM's start: fill α⁺ and α⁻ alike, point by point, up to C each, until each half
        // sums to C·ν·n/2.
        var remaining = c * nu * Double(n) / 2
        var half = Array(repeating: 0.0, count: n)
        for i in 0..<n {
            half[i] = min(remaining, c)
            remaining -= half[i]
        }
        alpha = half + half
        status = []
        gradient = linear
        gradientAtBound = Array(repeating: 0, count: 2 * n)
        activeSet = Array(0..<(2 * n))
        activeSize = 2 * n
        rows = Array(repeating: 0, count: 4 * n)
        status = (0..<(2 * n)).map { statusOf(alpha[$0]) }
    }

    /// Runs SMO to the tolerance (or the iteration limit) and returns the solution.
    mutating func solve() -> Solution {
        let l = variableCount
        for i in 0..<l where status[i] != .lowerBound {
            loadRow(i, length: l, slot: 0)
            let alphaI = alpha[i]
            for j in 0..<l { gradient[j] += alphaI * rows[j] }
            if status[i] == .upperBound {
                for j in 0..<l { gradientAtBound[j] += upperBound * rows[j] }
            }
        }

        var counter = min(l, 1000) + 1
        var iterations = 0
        var converged = false
        while iterations < maximumIterations {
            counter -= 1
            if counter == 0 {
                counter = min(l, 1000)
                if isShrinking { shrink() }
            }
            var pair = selectWorkingSet()
            if pair == nil {
                reconstructGradient()
                activeSize = l
                pair = selectWorkingSet()
                if pair == nil {
                    converged = true
                    break
                }
                counter = 1
            }
            guard let (i, j) = pair else { break }
            iterations += 1
            step(i, j)
        }
        if !converged && activeSize < l {
            reconstructGradient()
            activeSize = l
        }
        let (rho, r) = offsets()
        var ordered = Array(repeating: 0.0, count: l)
        for t in 0..<l { ordered[activeSet[t]] = alpha[t] }
        let n = pointCount
        let coefficients = (0..<n).map { ordered[$0] - ordered[$0 + n] }
        return Solution(coefficients: coefficients, rho: rho, epsilon: -r, iterations: iterations, converged: converged)
    }

    // MARK: - One step

    /// Solves the two-variable subproblem for `i`, `j` (same label) and updates the gradients.
    private mutating func step(_ i: Int, _ j: Int) {
        loadRow(i, length: activeSize, slot: 0)
        loadRow(j, length: activeSize, slot: 1)
        let c = upperBound
        let oldI = alpha[i]
        let oldJ = alpha[j]
        var quadratic = diagonal[i] + diagonal[j] - 2 * rows[j]
        if quadratic <= 0 { quadratic = Self.tau }
        let delta = (gradient[i] - gradient[j]) / quadratic
        let sum = alpha[i] + alpha[j]
        var newI = oldI - delta
        var newJ = oldJ + delta
        if sum > c {
            if newI > c {
                newI = c
                newJ = sum - c
            }
        } else if newJ < 0 {
            newJ = 0
            newI = sum
        }
        if sum > c {
            if newJ > c {
                newJ = c
                newI = sum - c
            }
        } else if newI < 0 {
            newI = 0
            newJ = sum
        }
        alpha[i] = newI
        alpha[j] = newJ

        let deltaI = newI - oldI
        let deltaJ = newJ - oldJ
        let active = activeSize
        let l = variableCount
        gradient.withUnsafeMutableBufferPointer { gradient in
            rows.withUnsafeBufferPointer { rows in
                for k in 0..<active { gradient[k] += rows[k] * deltaI + rows[l + k] * deltaJ }
            }
        }

        let wasUpperI = status[i] == .upperBound
        let wasUpperJ = status[j] == .upperBound
        status[i] = statusOf(alpha[i])
        status[j] = statusOf(alpha[j])
        if wasUpperI != (status[i] == .upperBound) {
            updateGradientAtBound(variable: i, adding: !wasUpperI)
        }
        if wasUpperJ != (status[j] == .upperBound) {
            updateGradientAtBound(variable: j, adding: !wasUpperJ)
        }
    }

    private mutating func updateGradientAtBound(variable i: Int, adding: Bool) {
        let l = variableCount
        loadRow(i, length: l, slot: 0)
        let factor = adding ? upperBound : -upperBound
        for k in 0..<l { gradientAtBound[k] += factor * rows[k] }
    }

    // MARK: - Working set selection (WSS 3, per label)

    /// The pair to optimize next, or `nil` when the maximal violation is below the tolerance.
    private mutating func selectWorkingSet() -> (Int, Int)? {
        var maxPositive = -Double.infinity
        var maxPositiveIndex = -1
        var maxNegative = -Double.infinity
        var maxNegativeIndex = -1
        for t in 0..<activeSize {
            if sign[t] > 0 {
                if status[t] != .upperBound && -gradient[t] >= maxPositive {
                    maxPositive = -gradient[t]
                    maxPositiveIndex = t
                }
            } else if status[t] != .lowerBound && gradient[t] >= maxNegative {
                maxNegative = gradient[t]
                maxNegativeIndex = t
            }
        }
        if maxPositiveIndex >= 0 { loadRow(maxPositiveIndex, length: activeSize, slot: 0) }
        if maxNegativeIndex >= 0 { loadRow(maxNegativeIndex, length: activeSize, slot: 1) }
        let l = variableCount

        var maxPositive2 = -Double.infinity
        var maxNegative2 = -Double.infinity
        var bestIndex = -1
        var bestDecrease = Double.infinity
        for j in 0..<activeSize {
            if sign[j] > 0 {
                guard status[j] != .lowerBound else { continue }
                let gradientDifference = maxPositive + gradient[j]
                if gradient[j] >= maxPositive2 { maxPositive2 = gradient[j] }
                if gradientDifference > 0 {
                    let quadratic = diagonal[maxPositiveIndex] + diagonal[j] - 2 * rows[j]
                    let decrease = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : Self.tau)
                    if decrease <= bestDecrease {
                        bestIndex = j
                        bestDecrease = decrease
                    }
                }
            } else {
                guard status[j] != .upperBound else { continue }
                let gradientDifference = maxNegative - gradient[j]
                if -gradient[j] >= maxNegative2 { maxNegative2 = -gradient[j] }
                if gradientDifference > 0 {
                    let quadratic = diagonal[maxNegativeIndex] + diagonal[j] - 2 * rows[l + j]
                    let decrease = -(gradientDifference * gradientDifference) / (quadratic > 0 ? quadratic : Self.tau)
                    if decrease <= bestDecrease {
                        bestIndex = j
                        bestDecrease = decrease
                    }
                }
            }
        }
        if max(maxPositive + maxPositive2, maxNegative + maxNegative2) < tolerance || bestIndex == -1 {
            return nil
        }
        return (sign[bestIndex] > 0 ? maxPositiveIndex : maxNegativeIndex, bestIndex)
    }

    // MARK: - Shrinking

    private func canShrink(_ t: Int, _ max1: Double, _ max2: Double, _ max3: Double, _ max4: Double) -> Bool {
        switch status[t] {
        case .upperBound: return sign[t] > 0 ? -gradient[t] > max1 : -gradient[t] > max4
        case .lowerBound: return sign[t] > 0 ? gradient[t] > max2 : gradient[t] > max3
        case .free: return false
        }
    }

    private mutating func shrink() {
        var max1 = -Double.infinity  // max −y∇f, y = +1, can move up
        var max2 = -Double.infinity  // max  y∇f, y = +1, can move down
        var max3 = -Double.infinity  // max −y∇f, y = −1, can move up
        var max4 = -Double.infinity  // max  y∇f, y = −1, can move down
        for t in 0..<activeSize {
            if status[t] != .upperBound {
                if sign[t] > 0 { max1 = max(max1, -gradient[t]) } else { max4 = max(max4, -gradient[t]) }
            }
            if status[t] != .lowerBound {
                if sign[t] > 0 { max2 = max(max2, gradient[t]) } else { max3 = max(max3, gradient[t]) }
            }
        }
        if !isUnshrunk && max(max1 + max2, max3 + max4) <= tolerance * 10 {
            isUnshrunk = true
            reconstructGradient()
            activeSize = variableCount
        }
        var t = 0
        while t < activeSize {
            if canShrink(t, max1, max2, max3, max4) {
                activeSize -= 1
                while activeSize > t {
                    if !canShrink(activeSize, max1, max2, max3, max4) {
                        swapVariables(t, activeSize)
                        break
                    }
                    activeSize -= 1
                }
            }
            t += 1
        }
    }

    /// Rebuilds the gradient of the inactive variables from `gradientAtBound` and the free ones.
    private mutating func reconstructGradient() {
        let l = variableCount
        guard activeSize < l else { return }
        for j in activeSize..<l { gradient[j] = gradientAtBound[j] + linear[j] }
        let freeCount = (0..<activeSize).filter { status[$0] == .free }.count
        if freeCount * l > 2 * activeSize * (l - activeSize) {
            for i in activeSize..<l {
                loadRow(i, length: activeSize, slot: 0)
                var sum = 0.0
                for j in 0..<activeSize where status[j] == .free { sum += alpha[j] * rows[j] }
                gradient[i] += sum
            }
        } else {
            for i in 0..<activeSize where status[i] == .free {
                loadRow(i, length: l, slot: 0)
                let alphaI = alpha[i]
                for j in activeSize..<l { gradient[j] += alphaI * rows[j] }
            }
        }
    }

    private mutating func swapVariables(_ i: Int, _ j: Int) {
        sign.swapAt(i, j)
        realIndex.swapAt(i, j)
        diagonal.swapAt(i, j)
        linear.swapAt(i, j)
        alpha.swapAt(i, j)
        status.swapAt(i, j)
        gradient.swapAt(i, j)
        gradientAtBound.swapAt(i, j)
        activeSet.swapAt(i, j)
    }

    // MARK: - Offsets

    /// ρ and r from the free variables of each label (LIBSVM's `Solver_NU::calculate_rho`): the
    /// mean gradient over free variables, or the middle of the feasible interval when none is free.
    private func offsets() -> (rho: Double, r: Double) {
        var freeCount = [0, 0]
        var freeSum = [0.0, 0.0]
        var upper = [Double.infinity, Double.infinity]
        var lower = [-Double.infinity, -Double.infinity]
        for t in 0..<activeSize {
            let label = sign[t] > 0 ? 0 : 1
            switch status[t] {
            case .upperBound: lower[label] = max(lower[label], gradient[t])
            case .lowerBound: upper[label] = min(upper[label], gradient[t])
            case .free:
                freeCount[label] += 1
                freeSum[label] += gradient[t]
            }
        }
        let r1 = freeCount[0] > 0 ? freeSum[0] / Double(freeCount[0]) : (upper[0] + lower[0]) / 2
        let r2 = freeCount[1] > 0 ? freeSum[1] / Double(freeCount[1]) : (upper[1] + lower[1]) / 2
        return ((r1 - r2) / 2, (r1 + r2) / 2)
    }

    // MARK: - Helpers

    private func statusOf(_ value: Double) -> Status {
        value >= upperBound ? .upperBound : value <= 0 ? .lowerBound : .free
    }

    /// Writes `Q_it = y_i y_t K(i, t)` for `t < length` into row buffer `slot` (0 or 1).
    private mutating func loadRow(_ i: Int, length: Int, slot: Int) {
        let signI = sign[i]
        let base = slot * variableCount
        let sign = self.sign
        let realIndex = self.realIndex
        cache.withRow(realIndex[i]) { row in
            sign.withUnsafeBufferPointer { sign in
                realIndex.withUnsafeBufferPointer { realIndex in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for t in 0..<length { rows[base + t] = signI * sign[t] * row[realIndex[t]] }
                    }
                }
            }
        }
    }
}
