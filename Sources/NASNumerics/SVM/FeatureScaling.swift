/// How a model transforms its inputs before the kernel sees them; part of the fitted model, so a
/// prediction applies exactly the transform the fit used.
public enum FeatureScaling: String, Hashable, Sendable, Codable {
    /// Features are used as given.
    case none
    /// Each feature is standardized to mean 0 and population standard deviation 1 over the
    /// training set (scikit-learn's `StandardScaler`; a constant feature is only centred).
    case standardized
}

/// A fitted affine transform of each feature: `(x − offset) / scale`.
public struct FeatureScaler: Hashable, Sendable, Codable {
    /// What is subtracted from each feature.
    public var offsets: [Double]
    /// What each centred feature is divided by (never 0).
    public var scales: [Double]

    /// Fits the transform `scaling` describes to the rows of `features`.
    public init(fitting features: Matrix, scaling: FeatureScaling) {
        switch scaling {
        case .none:
            offsets = Array(repeating: 0, count: features.columnCount)
            scales = Array(repeating: 1, count: features.columnCount)
        case .standardized:
            offsets = features.columnMeans()
            scales = features.columnStandardDeviations().map { $0 > 0 ? $0 : 1 }
        }
    }

    /// The number of features the transform expects.
    public var featureCount: Int { offsets.count }

    /// Transforms one feature vector.
    public func transform(_ features: [Double]) -> [Double] {
        precondition(features.count == offsets.count, "expected \(offsets.count) features, got \(features.count)")
        var result = features
        for k in result.indices { result[k] = (result[k] - offsets[k]) / scales[k] }
        return result
    }

    /// Transforms every row of a matrix.
    public func transform(_ features: Matrix) -> Matrix {
        precondition(
            features.columnCount == offsets.count, "expected \(offsets.count) features, got \(features.columnCount)")
        var values = features.values
        let columns = features.columnCount
        for index in values.indices {
            let k = index % columns
            values[index] = (values[index] - offsets[k]) / scales[k]
        }
        return Matrix(unchecked: features.rowCount, columns, values)
    }
}
