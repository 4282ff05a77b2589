/// The observed part of a learning curve: values at strictly increasing epoch indices (`1, 2, …`
/// when a trainer reports every epoch, any increasing grid otherwise).
public struct CurvePrefix: Hashable, Sendable, Codable {
    /// The observed values (validation accuracy), one per entry of `epochs`.
    public var values: [Double]
    /// The epoch index of each value, strictly increasing from at least 1.
    public var epochs: [Int]

    /// A prefix observed at epochs `1…values.count`.
    public init(values: [Double]) {
        self.values = values
        self.epochs = values.indices.map { $0 + 1 }
    }

    /// A prefix observed at the given epochs.
    ///
    /// - Throws: `CurvePrefixError` when the counts differ, an epoch is below 1 or the epochs do
    ///   not increase, or a value is not finite.
    public init(values: [Double], epochs: [Int]) throws(CurvePrefixError) {
        guard values.count == epochs.count else {
            throw .countMismatch(values: values.count, epochs: epochs.count)
        }
        for (index, epoch) in epochs.enumerated() {
            guard epoch >= 1, index == 0 || epoch > epochs[index - 1] else { throw .epochsNotIncreasing(index: index) }
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: index) }
        self.values = values
        self.epochs = epochs
    }

    /// The last observed epoch index (0 when nothing is observed): the prefix length τ in epochs.
    public var lastEpoch: Int { epochs.last ?? 0 }

    /// Adds a value reported at `epoch`.
    ///
    /// - Returns: false, leaving the prefix as it was, when `epoch` does not come after `lastEpoch`
    ///   (or is below 1) or the value is not finite.
    public mutating func append(_ value: Double, atEpoch epoch: Int) -> Bool {
        guard epoch >= 1, epoch > lastEpoch, value.isFinite else { return false }
        values.append(value)
        epochs.append(epoch)
        return true
    }

    /// The part observed at epochs `≤ epoch`.
    public func truncated(toEpoch epoch: Int) -> CurvePrefix {
        let count = epochs.firstIndex { $0 > epoch } ?? epochs.count
        var prefix = self
        prefix.values = Array(values.prefix(count))
        prefix.epochs = Array(epochs.prefix(count))
        return prefix
    }

    /// The curve's value at an epoch `≤ lastEpoch`: the recorded value, linearly interpolated
    /// between the recorded epochs around it, or the first recorded value before the first one.
    ///
    /// - Precondition: the prefix is not empty and `epoch <= lastEpoch`.
    func value(atEpoch epoch: Int) -> Double {
        precondition(!epochs.isEmpty && epoch <= lastEpoch, "epoch \(epoch) lies beyond the observed prefix")
        guard let upper = epochs.firstIndex(where: { $0 >= epoch }) else { return values[values.count - 1] }
        if epochs[upper] == epoch || upper == 0 { return values[upper] }
        let lower = upper - 1
        let fraction = Double(epoch - epochs[lower]) / Double(epochs[upper] - epochs[lower])
        return values[lower] + fraction * (values[upper] - values[lower])
    }
}

/// Why values and epochs do not form a curve prefix.
public enum CurvePrefixError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There are `values` values but `epochs` epochs.
    case countMismatch(values: Int, epochs: Int)
    /// The epoch at `index` is below 1 or not after the one before it.
    case epochsNotIncreasing(index: Int)
    /// The value at `index` is NaN or infinite.
    case nonFiniteValue(index: Int)

    public var description: String {
        switch self {
        case .countMismatch(let values, let epochs): return "\(values) values but \(epochs) epochs"
        case .epochsNotIncreasing(let index): return "epoch \(index) is below 1 or not after the one before it"
        case .nonFiniteValue(let index): return "value \(index) is not a finite number"
        }
    }
}
