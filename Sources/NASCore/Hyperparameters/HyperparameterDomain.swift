import Foundation

/// The values one training hyperparameter may take: a fixed number, or a range searched together
/// with the architecture (`training.hyperparameters` in docs/config.md).
public enum HyperparameterDomain: Hashable, Sendable, Codable {
    /// Always this value (nothing to search).
    case fixed(Double)
    /// Uniform on `[low, high)`.
    case uniform(low: Double, high: Double)
    /// Log-uniform on `[low, high)`: uniform in `log(value)`; both bounds positive.
    case logUniform(low: Double, high: Double)
    /// One of these values, each equally likely.
    case choice([Double])

    /// Whether the value is searched (anything but `.fixed`, or a choice of one).
    public var isSearched: Bool {
        switch self {
        case .fixed: return false
        case .choice(let values): return values.count > 1
        case .uniform, .logUniform: return true
        }
    }

    /// Why the domain cannot be sampled, or nil when it can: an empty choice, `low ≥ high`,
    /// a non-positive log-uniform bound, or a value that is not finite.
    public var problem: String? {
        switch self {
        case .fixed(let value):
            return value.isFinite ? nil : "the value \(value) is not finite"
        case .choice(let values):
            if values.isEmpty { return "a choice needs at least one value" }
            return values.allSatisfy(\.isFinite) ? nil : "every choice must be a finite number"
        case .uniform(let low, let high):
            guard low.isFinite, high.isFinite else { return "the bounds must be finite numbers" }
            return low < high ? nil : "the lower bound \(low) must be below the upper bound \(high)"
        case .logUniform(let low, let high):
            guard low.isFinite, high.isFinite else { return "the bounds must be finite numbers" }
            guard low > 0, high > 0 else { return "log-uniform bounds must be > 0 (got \(low), \(high))" }
            return low < high ? nil : "the lower bound \(low) must be below the upper bound \(high)"
        }
    }

    /// Draws a value. A fixed value or a choice of one draws nothing from `generator`.
    ///
    /// - Precondition: `problem == nil` (configurations are checked when read); an unsampleable
    ///   domain answers its first bound or value rather than trapping.
    public func sample(using generator: inout SeededGenerator) -> Double {
        switch self {
        case .fixed(let value):
            return value
        case .choice(let values):
            guard values.count > 1 else { return values.first ?? 0 }
            return values[Int.random(in: 0..<values.count, using: &generator)]
        case .uniform(let low, let high):
            guard low < high else { return low }
            return Double.random(in: low..<high, using: &generator)
        case .logUniform(let low, let high):
            guard low > 0, low < high else { return low }
            return exp(Double.random(in: log(low)..<log(high), using: &generator))
        }
    }

    /// A value near `value` (regularized evolution's mutation of a hyperparameter): another
    /// choice; for a range, the value moved by a step drawn from ±⅕ of the range (in log space
    /// for a log-uniform one) and clamped into the range.
    public func mutate(_ value: Double, using generator: inout SeededGenerator) -> Double {
        switch self {
        case .fixed(let fixed):
            return fixed
        case .choice(let values):
            let others = values.filter { $0 != value }
            guard !others.isEmpty else { return value }
            return others[Int.random(in: 0..<others.count, using: &generator)]
        case .uniform(let low, let high):
            guard low < high else { return low }
            let step = Double.random(in: -0.2...0.2, using: &generator) * (high - low)
            return Self.clamp(value + step, low, high)
        case .logUniform(let low, let high):
            guard low > 0, low < high, value > 0 else { return sample(using: &generator) }
            let step = Double.random(in: -0.2...0.2, using: &generator) * (log(high) - log(low))
            return Self.clamp(exp(log(value) + step), low, high)
        }
    }

    /// `value` moved into `[low, high)` (the upper bound itself is excluded like a sample's).
    private static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
        min(max(value, low), high.nextDown)
    }
}

extension HyperparameterDomain: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A fixed value written as a literal.
    public init(floatLiteral value: Double) { self = .fixed(value) }

    /// A fixed value written as an integer literal.
    public init(integerLiteral value: Int) { self = .fixed(Double(value)) }
}
