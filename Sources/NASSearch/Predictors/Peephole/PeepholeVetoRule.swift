/// When Peephole's prior vetoes a candidate (the `prior:` section's `veto_quantile` / `veto_below`).
public enum PeepholeVetoRule: Hashable, Sendable, Codable {
    /// Predicted below the q-quantile of the model's predictions for the networks it was trained on.
    case quantile(Double)
    /// Predicted accuracy below this value.
    case below(Double)

    /// The accuracy below which `model` vetoes.
    public func threshold(for model: PeepholeModel) -> Double {
        switch self {
        case .quantile(let q): return model.trainedQuantile(q) ?? -Double.infinity
        case .below(let accuracy): return accuracy
        }
    }
}
