import Foundation

/// How SRM turns a configuration and a curve prefix into the feature vector `x_f = {u_x, y(1..τ)}`
/// of the model for prefix length τ (Baker et al. 2018, §3; ALGORITHMS.md §2), fitted on the
/// training examples and kept in the model so predictions build exactly the same vector.
///
/// The vector, in order:
/// 1. TS: the curve at each `curveEpochs` entry (the epochs ≤ τ that training curves recorded:
///    `1…τ` for curves reported every epoch), then its first differences and second differences.
///    A curve that did not record one of those epochs is read by linear interpolation between the
///    recorded epochs around it (and as its first value before its first epoch); differences are
///    divided by the epoch gap, so they are slopes per epoch and equal Baker's `y'_t = y_t − y_{t−1}`
///    on the `1, 2, …` grid.
/// 2. AP: `log10` of the parameter count, the number of layers.
/// 3. HP: the planned epoch count, then every hyperparameter named in the training set, in name
///    order. A hyperparameter that is positive in every training example and spans at least a
///    factor of 10 (learning rates, weight decays) enters as its `log10`; a missing value is
///    replaced by the training mean of that (transformed) hyperparameter.
///
/// Scaling (each feature to mean 0, deviation 1) is part of the fitted ν-SVR (`FeatureScaling`).
public struct SRMFeatureLayout: Hashable, Sendable, Codable {
    /// The prefix length τ in epochs.
    public var prefixEpochs: Int
    /// The epochs at which the curve is read, ascending, all `≤ prefixEpochs`.
    public var curveEpochs: [Int]
    /// The hyperparameters read, in order, with their transform and fill value.
    public var hyperparameters: [Hyperparameter]

    /// One hyperparameter feature.
    public struct Hyperparameter: Hashable, Sendable, Codable {
        /// The hyperparameter's name.
        public var name: String
        /// Whether its `log10` is used.
        public var isLogarithmic: Bool
        /// The (transformed) value used when a configuration does not give it.
        public var fillValue: Double
    }

    /// Fits the layout for prefix length `prefixEpochs` to the examples that serve that model.
    init(prefixEpochs: Int, examples: [LearningCurveExample]) {
        self.prefixEpochs = prefixEpochs
        var epochs = Set<Int>()
        for example in examples {
            for epoch in example.curve.epochs where epoch <= prefixEpochs { epochs.insert(epoch) }
        }
        curveEpochs = epochs.sorted()
        let names = Set(examples.flatMap { $0.features.hyperparameters.keys }).sorted()
        hyperparameters = names.map { name in
            let present = examples.compactMap { $0.features.hyperparameters[name] }.filter(\.isFinite)
            let minimum = present.min() ?? 0
            let maximum = present.max() ?? 0
            let isLogarithmic = minimum > 0 && maximum >= 10 * minimum
            let transformed = present.map { isLogarithmic ? log10($0) : $0 }
            let fill = transformed.isEmpty ? 0 : transformed.reduce(0, +) / Double(transformed.count)
            return Hyperparameter(name: name, isLogarithmic: isLogarithmic, fillValue: fill)
        }
    }

    /// The number of features.
    public var featureCount: Int {
        let curve = curveEpochs.count
        return curve + max(0, curve - 1) + max(0, curve - 2) + 3 + hyperparameters.count
    }

    /// The feature vector of a configuration and a prefix that reaches `prefixEpochs`.
    ///
    /// - Precondition: `prefix.lastEpoch >= prefixEpochs` and the prefix is not empty.
    public func features(of configuration: ConfigurationFeatures, prefix: CurvePrefix) -> [Double] {
        var vector: [Double] = []
        vector.reserveCapacity(featureCount)
        let values = curveEpochs.map { prefix.value(atEpoch: $0) }
        vector.append(contentsOf: values)
        var slopes: [Double] = []
        for k in values.indices.dropFirst() {
            slopes.append((values[k] - values[k - 1]) / Double(curveEpochs[k] - curveEpochs[k - 1]))
        }
        vector.append(contentsOf: slopes)
        for k in slopes.indices.dropFirst() {
            vector.append(slopes[k] - slopes[k - 1])
        }
        vector.append(configuration.log10ParameterCount)
        vector.append(Double(configuration.layerCount))
        vector.append(Double(configuration.epochBudget))
        for hyperparameter in hyperparameters {
            if let value = configuration.hyperparameters[hyperparameter.name], value.isFinite,
                !hyperparameter.isLogarithmic || value > 0
            {
                vector.append(hyperparameter.isLogarithmic ? log10(value) : value)
            } else {
                vector.append(hyperparameter.fillValue)
            }
        }
        return vector
    }
}
