import NASCore

/// Builds the identity key of a trial: canonical architecture + training hyperparameters.
///
/// Two proposals with the same key are the same experiment, whatever their epoch budgets: a
/// finished trial answers a proposal for a budget it reached at once (its curve cut there), and
/// is promoted — trained on from its last epoch — for a larger one; an in-flight trial is joined
/// (and its budget raised when the new proposal asks for more). The budget is therefore not part
/// of the identity (issue 6 §4; MetaQNN's replay dictionary is keyed by the network alone).
public enum TrialIdentity {
    /// The key `"<canonical hash>|<hyperparameters as sorted JSON>"`.
    ///
    /// - Parameters:
    ///   - canonicalHash: The network's canonical hash (`Network.canonicalHash`).
    ///   - hyperparameters: Training hyperparameters; key order does not matter.
    /// - Returns: A deterministic string.
    public static func key(canonicalHash: String, hyperparameters: [String: Double]) -> String {
        "\(canonicalHash)|\(NumberDictionaryJSON.encode(hyperparameters))"
    }

    /// The key without the `|<epoch budget>` suffix that stores before schema version 3 appended.
    static func removingBudget(from key: String) -> String {
        guard let bar = key.lastIndex(of: "|"), key[key.index(after: bar)...].allSatisfy(\.isNumber),
            key[..<bar].contains("|")
        else { return key }
        return String(key[..<bar])
    }
}
