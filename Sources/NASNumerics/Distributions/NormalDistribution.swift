import Foundation

/// A normal distribution `N(μ, σ)`: SRM's predictive distribution of a final accuracy
/// (Baker et al. 2018, §3: `ŷ_T ~ N(y_T, σ(τ))`).
public struct NormalDistribution: Hashable, Sendable, Codable {
    /// The mean μ.
    public var mean: Double
    /// The standard deviation σ ≥ 0; σ = 0 is the point mass at μ.
    public var standardDeviation: Double

    /// Creates `N(mean, standardDeviation)`.
    ///
    /// - Precondition: `standardDeviation >= 0`.
    public init(mean: Double, standardDeviation: Double) {
        precondition(standardDeviation >= 0, "a standard deviation cannot be negative (\(standardDeviation))")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The standard normal distribution `N(0, 1)`.
    public static let standard = NormalDistribution(mean: 0, standardDeviation: 1)

    /// `P(X ≤ x)`. For σ = 0 it is the step at μ (1 from μ on).
    public func cumulativeProbability(_ x: Double) -> Double {
        guard standardDeviation > 0 else { return x >= mean ? 1 : 0 }
        return Self.standardCumulativeProbability((x - mean) / standardDeviation)
    }

    /// Φ(z), the standard normal CDF, as `erfc(−z/√2)/2` (accurate in both tails, unlike
    /// `(1 + erf(z/√2))/2`, which loses every digit below about −6).
    public static func standardCumulativeProbability(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }
}
