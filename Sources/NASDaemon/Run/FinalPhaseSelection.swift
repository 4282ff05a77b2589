import NASCore
import NASStore

/// Which networks the final phase retrains, and the identities of its trials.
enum FinalPhaseSelection {
    /// The `phase` stored with every final-phase trial.
    static let phase = "final"

    /// The `topK` distinct networks (by canonical notation) with the best final accuracy among the
    /// completed search trials that were trained (not reuses, not final-phase trials), best first,
    /// the earliest on ties; each with its best trial. Trials whose notation does not parse are
    /// skipped.
    static func networks(from trials: [TrialRecord], topK: Int) -> [(trial: TrialRecord, network: Network)] {
        let ranked = trials.filter { $0.state == .completed && $0.reusedFrom == nil && !$0.isFinalPhase }
            .compactMap { trial in trial.finalAccuracy.map { (trial, $0) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }
        var seen: Set<String> = []
        var chosen: [(trial: TrialRecord, network: Network)] = []
        for (trial, _) in ranked where chosen.count < topK {
            guard seen.insert(trial.canonicalNotation).inserted,
                let network = try? Network(notation: trial.proposedNotation)
            else { continue }
            chosen.append((trial, network))
        }
        return chosen
    }

    /// `final|seed=<n>|<the search identity of the network with these hyperparameters>`: never a
    /// search trial's key, so a final-phase trial neither answers nor joins a search proposal, and
    /// each seed is its own trial (the trial seed derives from the key).
    static func identityKey(of network: Network, hyperparameters: [String: Double], seed: Int) -> String {
        "final|seed=\(seed)|"
            + TrialIdentity.key(canonicalHash: network.canonicalHash, hyperparameters: hyperparameters)
    }
}
