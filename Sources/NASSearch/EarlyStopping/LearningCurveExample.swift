import NASCore

/// One fully observed training curve SRM learns from: the configuration, its whole curve and the
/// final value the models predict.
public struct LearningCurveExample: Hashable, Sendable, Codable {
    /// The configuration's features `u_x`.
    public var features: ConfigurationFeatures
    /// The whole observed curve.
    public var curve: CurvePrefix

    /// Creates an example from a configuration and its complete curve.
    public init(features: ConfigurationFeatures, curve: CurvePrefix) {
        self.features = features
        self.curve = curve
    }

    /// The example of a complete curves-file row, or `nil` for a row stopped before its budget
    /// or without any point.
    ///
    /// - Throws: `ConfigurationFeaturesError` when the row's network cannot be analysed.
    public init?(record: CurveRecord) throws(ConfigurationFeaturesError) {
        guard record.isComplete, !record.curve.isEmpty, record.curve.count == record.epochs.count else { return nil }
        guard let curve = try? CurvePrefix(values: record.curve, epochs: record.epochs) else { return nil }
        self.init(features: try ConfigurationFeatures(record: record), curve: curve)
    }

    /// The final observed value `y_T`: what SRM predicts.
    public var finalValue: Double { curve.values.last ?? 0 }

    /// The epoch of the final value, `T`.
    public var finalEpoch: Int { curve.lastEpoch }
}
