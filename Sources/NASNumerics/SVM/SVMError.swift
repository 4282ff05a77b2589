/// Why a support vector machine could not be fitted.
public enum SVMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There are no training points.
    case noTrainingData
    /// The feature matrix has `rows` rows but there are `targets` targets.
    case targetCountMismatch(rows: Int, targets: Int)
    /// A hyperparameter is outside its domain: `C > 0`, `0 < ν ≤ 1`, `γ > 0`, tolerance > 0.
    case invalidParameter(name: String, value: Double, requirement: String)
    /// A feature or target is NaN or infinite.
    case nonFiniteValue(row: Int, column: Int?)

    public var description: String {
        switch self {
        case .noTrainingData:
            return "no training points"
        case .targetCountMismatch(let rows, let targets):
            return "the feature matrix has \(rows) rows but there are \(targets) targets"
        case .invalidParameter(let name, let value, let requirement):
            return "\(name) = \(value) is invalid: it must be \(requirement)"
        case .nonFiniteValue(let row, let column):
            if let column { return "feature \(column) of row \(row) is not a finite number" }
            return "the target of row \(row) is not a finite number"
        }
    }
}
