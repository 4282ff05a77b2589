/// Builds the identity key of a trial: canonical architecture + hyperparameters + budget.
///
/// Two proposals with the same key are the same experiment: a finished one is reused and an
/// in-flight one is joined (issue 3 §3, as MetaQNN's replay dictionary does).
public enum TrialIdentity {
    /// The key `"<canonical hash>|<hyperparameters as sorted JSON>|<epoch budget>"`.
    ///
    /// - Parameters:
    ///   - canonicalHash: The architecture's canonical hash (`Architecture.canonicalHash`).
    ///   - hyperparameters: Training hyperparameters; key order does not matter.
    ///   - epochBudget: The number of epochs to train to.
    /// - Returns: A deterministic string.
    public static func key(canonicalHash: String, hyperparameters: [String: Double], epochBudget: Int) -> String {
        "\(canonicalHash)|\(NumberDictionaryJSON.encode(hyperparameters))|\(epochBudget)"
    }
}
