/// The settings of an SRM fit: the regressor, the hyperparameter search and the minimum data.
///
/// **Ranges.** Baker et al. search `C ~ LogUniform(1e−5, 10)`, `ν ~ U(0, 1)`,
/// `γ ~ LogUniform(1e−5, 10)` over raw features. Here features are standardized and so are the
/// targets (both part of the fitted `NuSVR`), so C is measured against unit-variance targets and γ
/// against unit-variance features; the defaults keep the paper's γ range, lift ν's lower end to
/// 0.05 (below it the tube holds all but a handful of points and the fit degenerates), and widen C
/// to `LogUniform(1e−3, 1e3)` because on standardized curve data the best C sat at the paper's
/// upper bound of 10 (docs/early-stopping.md has the measurements). After the random draws, the
/// search also scores the best candidate with its C, then its γ, moved to each end of its range.
/// When the chosen C or γ then falls in the outer 10 % (in log scale) of its range, the search
/// widens that end by two decades and draws `searchCount / 2` more candidates, up to
/// `maximumWidenings` times, so the ranges adapt to data they were not tuned on.
///
/// **Search count.** The paper draws 1000 configurations offline; the default 48 (with 3-fold
/// cross-validation) keeps a refit of ~11 models on 100–200 curves within a few seconds in a
/// release build, which is what lets `nasd replay` of ~300 rows × 10 orderings finish within
/// minutes (docs/early-stopping.md).
///
/// **The fitted model.** With 100 or so curves, 3-fold scores of the best candidates differ by
/// less than their noise, and the argmin is often a flexible model (large C) that extrapolates
/// wildly on an unusual curve. So a model averages the ν-SVRs of the `ensembleSize` best distinct
/// candidates, and clips its prediction to the range of the final values it was fitted on (a
/// final value outside what any training curve reached is an extrapolation, not a forecast).
/// σ(τ) is the leave-one-out error of that clipped average. docs/early-stopping.md has the
/// measurements behind both.
public struct SRMSettings: Hashable, Sendable, Codable {
    /// The ν-SVR kernel.
    public enum Kernel: String, Hashable, Sendable, Codable {
        /// `exp(−γ‖x − z‖²)`, Baker et al.'s default.
        case rbf
        /// `xᵀz` (no γ).
        case linear
    }

    /// A range sampled log-uniformly (`isLogarithmic`) or uniformly.
    public struct Range: Hashable, Sendable, Codable {
        /// The smallest value drawn.
        public var lower: Double
        /// The largest value drawn.
        public var upper: Double
        /// Whether values are drawn uniformly in `log` (C, γ) rather than uniformly (ν).
        public var isLogarithmic: Bool

        /// Creates a range `[lower, upper]`.
        public init(lower: Double, upper: Double, isLogarithmic: Bool) {
            self.lower = lower
            self.upper = upper
            self.isLogarithmic = isLogarithmic
        }
    }

    /// The kernel of every model.
    public var kernel: Kernel
    /// Random-search candidates per model (before any widening).
    public var searchCount: Int
    /// Cross-validation folds of the search (the paper's 3).
    public var folds: Int
    /// The range of C.
    public var cRange: Range
    /// The range of ν (within (0, 1]).
    public var nuRange: Range
    /// The range of γ (RBF only).
    public var gammaRange: Range
    /// How many times a bound may be widened when the chosen value sits at it.
    public var maximumWidenings: Int
    /// The fewest complete curves a model for prefix length τ needs; lengths with fewer get no
    /// model.
    public var minimumExamples: Int
    /// σ(τ) is estimated by leave-one-out up to this many examples, and by this many folds above
    /// (LOO costs one fit per example).
    public var leaveOneOutLimit: Int
    /// How many of the best distinct candidates a model averages (1: the best alone).
    public var ensembleSize: Int
    /// The SMO stopping tolerance.
    public var tolerance: Double
    /// The most SMO iterations per fit (`NuSVR.maximumIterations`): a candidate with a huge C and
    /// a tiny γ can otherwise take millions of steps, and is scored as it stands when capped.
    public var maximumIterations: Int
    /// The most examples the hyperparameter search and the σ estimate use: a model for more
    /// complete curves than this searches and estimates σ on a seeded random sample of this many,
    /// and fits its ν-SVRs on all of them. It bounds a refit's cost in a long run (a fit costs
    /// about SMO iterations × examples, and the search and σ take some 500 fits per model); σ from
    /// a sample is that of models trained on fewer curves, so it errs large (fewer stops).
    public var searchSampleLimit: Int

    /// Creates settings; the defaults are the ones documented above.
    public init(
        kernel: Kernel = .rbf, searchCount: Int = 48, folds: Int = 3,
        cRange: Range = Range(lower: 1e-3, upper: 1e3, isLogarithmic: true),
        nuRange: Range = Range(lower: 0.05, upper: 1, isLogarithmic: false),
        gammaRange: Range = Range(lower: 1e-5, upper: 10, isLogarithmic: true), maximumWidenings: Int = 2,
        minimumExamples: Int = 10, leaveOneOutLimit: Int = 50, ensembleSize: Int = 5, tolerance: Double = 1e-2,
        maximumIterations: Int = 10_000, searchSampleLimit: Int = 400
    ) {
        self.kernel = kernel
        self.searchCount = searchCount
        self.folds = folds
        self.cRange = cRange
        self.nuRange = nuRange
        self.gammaRange = gammaRange
        self.maximumWidenings = maximumWidenings
        self.minimumExamples = minimumExamples
        self.leaveOneOutLimit = leaveOneOutLimit
        self.ensembleSize = ensembleSize
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
        self.searchSampleLimit = searchSampleLimit
    }

    /// Baker et al.'s ranges as printed (`C` and `γ` in [1e−5, 10], ν in (0, 1)), for comparison.
    public static let paperRanges = SRMSettings(
        cRange: Range(lower: 1e-5, upper: 10, isLogarithmic: true),
        nuRange: Range(lower: 0.01, upper: 1, isLogarithmic: false), maximumWidenings: 0)

    /// Checks that every setting is usable.
    ///
    /// - Throws: `SRMError.invalidSettings` naming the first setting that is not.
    public func validate() throws(SRMError) {
        guard searchCount >= 1 else { throw .invalidSettings("searchCount must be at least 1, not \(searchCount)") }
        guard folds >= 2 else { throw .invalidSettings("folds must be at least 2, not \(folds)") }
        guard minimumExamples >= max(2, folds) else {
            throw .invalidSettings("minimumExamples must be at least max(2, folds), not \(minimumExamples)")
        }
        guard leaveOneOutLimit >= 2 else { throw .invalidSettings("leaveOneOutLimit must be at least 2") }
        guard ensembleSize >= 1 else { throw .invalidSettings("ensembleSize must be at least 1, not \(ensembleSize)") }
        guard tolerance > 0 else { throw .invalidSettings("tolerance must be positive") }
        guard maximumIterations >= 1 else { throw .invalidSettings("maximumIterations must be at least 1") }
        guard searchSampleLimit >= minimumExamples else {
            throw .invalidSettings("searchSampleLimit must be at least minimumExamples, not \(searchSampleLimit)")
        }
        guard maximumWidenings >= 0 else { throw .invalidSettings("maximumWidenings cannot be negative") }
        for (name, range) in [("cRange", cRange), ("gammaRange", gammaRange)] {
            guard range.lower > 0, range.lower <= range.upper, range.upper.isFinite else {
                throw .invalidSettings("\(name) must satisfy 0 < lower ≤ upper < ∞")
            }
        }
        guard nuRange.lower > 0, nuRange.lower <= nuRange.upper, nuRange.upper <= 1 else {
            throw .invalidSettings("nuRange must lie within (0, 1] with lower ≤ upper")
        }
    }
}

extension SRMSettings {
    /// Decodes settings; `ensembleSize` is absent from models stored before it existed (they
    /// were single ν-SVRs), so it defaults to 1 there, and `searchSampleLimit` likewise (they
    /// searched on every example), so it defaults to no limit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kernel: try container.decode(Kernel.self, forKey: .kernel),
            searchCount: try container.decode(Int.self, forKey: .searchCount),
            folds: try container.decode(Int.self, forKey: .folds),
            cRange: try container.decode(Range.self, forKey: .cRange),
            nuRange: try container.decode(Range.self, forKey: .nuRange),
            gammaRange: try container.decode(Range.self, forKey: .gammaRange),
            maximumWidenings: try container.decode(Int.self, forKey: .maximumWidenings),
            minimumExamples: try container.decode(Int.self, forKey: .minimumExamples),
            leaveOneOutLimit: try container.decode(Int.self, forKey: .leaveOneOutLimit),
            ensembleSize: try container.decodeIfPresent(Int.self, forKey: .ensembleSize) ?? 1,
            tolerance: try container.decode(Double.self, forKey: .tolerance),
            maximumIterations: try container.decode(Int.self, forKey: .maximumIterations),
            searchSampleLimit: try container.decodeIfPresent(Int.self, forKey: .searchSampleLimit) ?? .max)
    }
}
