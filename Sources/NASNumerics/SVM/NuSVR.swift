/// ν-support vector regression (Schölkopf et al. 2000) with a linear or RBF kernel, solved by
/// LIBSVM's SMO-type decomposition (`NuSVRSolver`); the fitting half of the pair whose result is
/// a `NuSVRModel`.
///
/// ν ∈ (0, 1] bounds the fraction of training errors from above and the fraction of support
/// vectors from below; the tube width ε is chosen by the fit. With `featureScaling: .none`,
/// `targetScaling: .none` and the same `C`, `ν`, kernel and tolerance, the fit is the one
/// scikit-learn's `NuSVR` (LIBSVM 3.x) computes, up to LIBSVM's single-precision kernel cache.
public struct NuSVR: Hashable, Sendable, Codable {
    /// The penalty C > 0 on points outside the tube.
    public var c: Double
    /// ν ∈ (0, 1].
    public var nu: Double
    /// The kernel; for `.rbf(gamma:)`, γ applies to the scaled features.
    public var kernel: SVMKernel
    /// How features are scaled before the kernel (fitted on the training set, kept in the model).
    public var featureScaling: FeatureScaling
    /// Whether the targets are standardized before the fit (and predictions mapped back). It
    /// makes C independent of the targets' units; scikit-learn's `NuSVR` does not do this.
    public var standardizesTargets: Bool
    /// The stopping tolerance on the maximal KKT violation (LIBSVM's `eps`, scikit-learn's `tol`).
    public var tolerance: Double
    /// Whether to shrink the working problem (LIBSVM's `-h 1`, the default there and here).
    public var isShrinking: Bool
    /// The kernel cache budget in bytes (rows of `n` doubles); the default holds the whole
    /// kernel matrix of about 3,600 points.
    public var cacheBytes: Int
    /// The most SMO iterations before the fit stops unconverged (`NuSVRModel.converged` is then
    /// false); `nil` for LIBSVM's `max(10⁷, 100·2n)`. Hyperparameter searches cap it, because
    /// a badly conditioned candidate (large C, tiny γ) can take millions of steps to reach the
    /// tolerance and is not going to win anyway.
    public var maximumIterations: Int?

    /// Creates a ν-SVR configuration; the defaults are scikit-learn's except for the scaling.
    public init(
        c: Double = 1, nu: Double = 0.5, kernel: SVMKernel = .rbf(gamma: 0.1),
        featureScaling: FeatureScaling = .standardized, standardizesTargets: Bool = false, tolerance: Double = 1e-3,
        isShrinking: Bool = true, cacheBytes: Int = 100 << 20, maximumIterations: Int? = nil
    ) {
        self.c = c
        self.nu = nu
        self.kernel = kernel
        self.featureScaling = featureScaling
        self.standardizesTargets = standardizesTargets
        self.tolerance = tolerance
        self.isShrinking = isShrinking
        self.cacheBytes = cacheBytes
        self.maximumIterations = maximumIterations
    }

    /// Fits the model to training points (rows of `features`) and their targets.
    ///
    /// - Throws: `SVMError` for no points, mismatched counts, non-finite values or a
    ///   hyperparameter outside its domain.
    public func fit(features: Matrix, targets: [Double]) throws(SVMError) -> NuSVRModel {
        try validate(features: features, targets: targets)
        let scaler = FeatureScaler(fitting: features, scaling: featureScaling)
        let scaled = scaler.transform(features)
        var targetOffset = 0.0
        var targetScale = 1.0
        var fitTargets = targets
        if standardizesTargets {
            let column = try? Matrix(rowCount: targets.count, columnCount: 1, values: targets)
            targetOffset = column?.columnMeans().first ?? 0
            let deviation = column?.columnStandardDeviations().first ?? 0
            targetScale = deviation > 0 ? deviation : 1
            fitTargets = targets.map { ($0 - targetOffset) / targetScale }
        }
        let cache = KernelCache(kernel: kernel, points: scaled, byteBudget: cacheBytes)
        var solver = NuSVRSolver(
            cache: cache, targets: fitTargets, c: c, nu: nu, tolerance: tolerance, shrinking: isShrinking,
            maximumIterations: maximumIterations)
        let solution = solver.solve()
        var supportRows: [Int] = []
        var coefficients: [Double] = []
        for (index, coefficient) in solution.coefficients.enumerated() where coefficient != 0 {
            supportRows.append(index)
            coefficients.append(coefficient)
        }
        return NuSVRModel(
            kernel: kernel, scaler: scaler, supportVectors: scaled.selectingRows(supportRows),
            coefficients: coefficients, intercept: -solution.rho, targetOffset: targetOffset,
            targetScale: targetScale, epsilon: solution.epsilon * targetScale, iterations: solution.iterations,
            converged: solution.converged)
    }

    private func validate(features: Matrix, targets: [Double]) throws(SVMError) {
        guard features.rowCount > 0 else { throw .noTrainingData }
        guard features.rowCount == targets.count else {
            throw .targetCountMismatch(rows: features.rowCount, targets: targets.count)
        }
        guard c > 0, c.isFinite else { throw .invalidParameter(name: "C", value: c, requirement: "positive") }
        guard nu > 0, nu <= 1 else { throw .invalidParameter(name: "nu", value: nu, requirement: "in (0, 1]") }
        guard tolerance > 0, tolerance.isFinite else {
            throw .invalidParameter(name: "tolerance", value: tolerance, requirement: "positive")
        }
        if case .rbf(let gamma) = kernel, !(gamma > 0 && gamma.isFinite) {
            throw .invalidParameter(name: "gamma", value: gamma, requirement: "positive")
        }
        for (index, value) in features.values.enumerated() where !value.isFinite {
            throw .nonFiniteValue(row: index / features.columnCount, column: index % features.columnCount)
        }
        if let row = targets.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: row, column: nil) }
    }
}
