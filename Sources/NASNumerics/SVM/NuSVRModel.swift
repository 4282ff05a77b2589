/// A fitted ν-SVR: `f(x) = offset + scale · (Σ_i coef_i k(s_i, S(x)) + b)` with `S` the feature
/// scaler, `s_i` the (scaled) support vectors and `b` the intercept.
///
/// Codable, so a model can be stored and used again without refitting.
public struct NuSVRModel: Hashable, Sendable, Codable {
    /// The kernel of the fit.
    public var kernel: SVMKernel
    /// The feature transform fitted on the training set.
    public var scaler: FeatureScaler
    /// The support vectors, already scaled, one per row.
    public var supportVectors: Matrix
    /// The dual coefficients `α⁺ − α⁻` of the support vectors (scikit-learn's `dual_coef_`).
    public var coefficients: [Double]
    /// The intercept `b = −ρ` (scikit-learn's `intercept_`), in standardized target units when the
    /// targets were standardized.
    public var intercept: Double
    /// The target mean subtracted before the fit (0 without target scaling).
    public var targetOffset: Double
    /// The target standard deviation divided out before the fit (1 without target scaling).
    public var targetScale: Double
    /// The tube half-width ε the fit chose, in target units.
    public var epsilon: Double
    /// SMO iterations the fit took.
    public var iterations: Int
    /// Whether the solver met its tolerance.
    public var converged: Bool

    /// Creates a model from its parts (a fit makes one; so does a decoder that stored them apart).
    public init(
        kernel: SVMKernel, scaler: FeatureScaler, supportVectors: Matrix, coefficients: [Double], intercept: Double,
        targetOffset: Double, targetScale: Double, epsilon: Double, iterations: Int, converged: Bool
    ) {
        self.kernel = kernel
        self.scaler = scaler
        self.supportVectors = supportVectors
        self.coefficients = coefficients
        self.intercept = intercept
        self.targetOffset = targetOffset
        self.targetScale = targetScale
        self.epsilon = epsilon
        self.iterations = iterations
        self.converged = converged
    }

    /// The number of features a prediction needs.
    public var featureCount: Int { scaler.featureCount }

    /// The predicted target of one feature vector.
    ///
    /// - Precondition: `features.count == featureCount`.
    public func predict(_ features: [Double]) -> Double {
        let x = scaler.transform(features)
        let dimension = supportVectors.columnCount
        var sum = intercept
        x.withUnsafeBufferPointer { x in
            supportVectors.values.withUnsafeBufferPointer { vectors in
                for (index, coefficient) in coefficients.enumerated() {
                    let s = UnsafeBufferPointer(rebasing: vectors[(index * dimension)..<((index + 1) * dimension)])
                    sum += coefficient * kernel.value(s, x)
                }
            }
        }
        return targetOffset + targetScale * sum
    }

    /// The predicted targets of every row of a matrix.
    public func predict(_ features: Matrix) -> [Double] {
        features.rows.map(predict)
    }
}
