import Foundation

/// Maps data values on one axis to plot coordinates, linearly or logarithmically, with "nice"
/// tick values (1, 2, 5 × 10ⁿ) for labels.
struct AxisScale: Sendable {
    /// How values are spaced along the axis.
    enum Kind: Sendable {
        case linear
        /// Base-10 logarithmic: for parameters and FLOPs, which span orders of magnitude.
        case logarithmic
    }

    var kind: Kind
    /// The data range shown (already padded and, for a log axis, positive).
    var lower: Double
    var upper: Double
    /// Whether ticks must be whole numbers (epochs).
    var isInteger = false

    /// A scale covering `values` (an empty or constant set gets a unit range around it).
    init(covering values: [Double], kind: Kind = .linear, including extra: [Double] = []) {
        self.kind = kind
        let usable = (values + extra).filter { $0.isFinite && (kind == .linear || $0 > 0) }
        var low = usable.min() ?? (kind == .linear ? 0 : 1)
        var high = usable.max() ?? (kind == .linear ? 1 : 10)
        switch kind {
        case .linear:
            if high - low < 1e-12 {
                low -= 0.5
                high += 0.5
            }
            let pad = (high - low) * 0.04
            (lower, upper) = (low - pad, high + pad)
        case .logarithmic:
            if high / low < 1.0001 {
                low /= 2
                high *= 2
            }
            (lower, upper) = (low / 1.25, high * 1.25)
        }
    }

    /// A linear scale over an explicit range.
    init(lower: Double, upper: Double, isInteger: Bool = false) {
        kind = .linear
        self.isInteger = isInteger
        self.lower = lower
        self.upper = upper > lower ? upper : lower + 1
    }

    /// Where `value` falls, from 0 (lower end) to 1 (upper end).
    func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return 0 }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Tick values inside the range: about `count` of them on a linear axis, powers of ten (with 2
    /// and 5 between when few decades are shown) on a log axis.
    func ticks(count: Int = 5) -> [Double] {
        switch kind {
        case .linear:
            let raw = (upper - lower) / Double(max(1, count))
            let magnitude = pow(10, floor(log10(raw)))
            let multipliers: [Double] = isInteger ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]
            // The candidate step closest to the raw one (on a log scale).
            var step = multipliers.map { $0 * magnitude }.min { abs(log($0 / raw)) < abs(log($1 / raw)) } ?? raw
            if isInteger { step = max(1, step.rounded()) }
            let first = ceil(lower / step - 1e-9)
            var ticks: [Double] = []
            var index = 0.0
            while (first + index) * step <= upper + step * 1e-9 {
                // Products, not sums, and 12 significant digits: 0.6, not 0.6000000000000001.
                let value = (first + index) * step
                ticks.append(Double(String(format: "%.12g", value)) ?? value)
                index += 1
            }
            return ticks
        case .logarithmic:
            let decades = Int(floor(log10(lower)))...Int(ceil(log10(upper)))
            let multipliers: [Double] = decades.count <= 3 ? [1, 2, 5] : [1]
            return decades.flatMap { exponent in multipliers.map { $0 * pow(10, Double(exponent)) } }
                .filter { $0 >= lower && $0 <= upper }
        }
    }

    /// A short label: `0.85`, `12`, `3.2k`, `1.5M`, `2G`, or a percentage for accuracies.
    static func label(_ value: Double, percent: Bool = false) -> String {
        if percent { return String(format: "%g%%", (value * 1000).rounded() / 10) }
        let magnitude = abs(value)
        for (limit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where magnitude >= limit {
            return String(format: "%.3g", value / limit) + suffix
        }
        return String(format: "%g", (value * 1000).rounded() / 1000)
    }
}
