import Foundation

/// f-Hyperband's performance predictors `M[r]` (Baker et al. 2018, appendix C): for each target
/// budget r, the sequential regression models that predict y_r, the value after r epochs, from the
/// curve's first τ < r epochs (`M[r][τ]`), fit on `D[r]`, the first d curves trained to r.
///
/// `Codable` and a `PredictorModel`, so the daemon stores it under its model version.
public struct FastHyperbandModels: Hashable, Sendable, Codable {
    /// `M[r]` by target r.
    public var byTarget: [Int: SequentialRegressionModels]

    /// Creates a model set.
    public init(byTarget: [Int: SequentialRegressionModels] = [:]) {
        self.byTarget = byTarget
    }

    /// The targets r that have models, ascending.
    public var targets: [Int] { byTarget.keys.sorted() }

    /// `M[r]`, when it has been fit.
    public func models(forTarget target: Int) -> SequentialRegressionModels? {
        byTarget[target]
    }
}

extension FastHyperbandModels: PredictorModel {
    public func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }
}
