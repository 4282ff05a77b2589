import Foundation
import NASNumerics
import NASStore

/// How good a run's prior has been, from its stored trials (issue 9 §4: `nasd status` shows how
/// many were vetoed, the prior's running Kendall τ on the trained trials, and how many audited
/// vetoes would have entered the top 10 %).
public struct PriorFiguresView: Codable, Hashable, Sendable {
    /// Candidates vetoed (not trained).
    public var vetoed: Int
    /// Would-be vetoes trained anyway (`audit_fraction`).
    public var audited: Int
    /// Audited vetoes that completed with a final accuracy in the run's top 10 % of completed
    /// trials (at least the ⌈n/10⌉-th best of n): the vetoes that would have been costly.
    public var auditedInTopDecile: Int
    /// Audited vetoes that completed (the denominator of `auditedInTopDecile`).
    public var auditedCompleted: Int
    /// Kendall τ-b between the prior's prediction and the final accuracy over the completed trials
    /// that have both; nil with fewer than 2 (or when either side is constant). For the RNAS prior
    /// the predictions are ranking scores of the model version in force, pooled across versions.
    public var kendallTau: Double?
    /// The trials τ is computed on.
    public var tauTrials: Int

    /// Creates the figures.
    public init(
        vetoed: Int, audited: Int, auditedInTopDecile: Int, auditedCompleted: Int, kendallTau: Double?,
        tauTrials: Int
    ) {
        self.vetoed = vetoed
        self.audited = audited
        self.auditedInTopDecile = auditedInTopDecile
        self.auditedCompleted = auditedCompleted
        self.kendallTau = kendallTau
        self.tauTrials = tauTrials
    }

    /// The figures of `trials` (a run's, reused ones included: they are skipped), where `audited`
    /// holds the trials the prior admitted as audited vetoes.
    public init(trials: [TrialRecord], audited auditedIDs: Set<TrialID>) {
        let own = trials.filter { $0.reusedFrom == nil }
        let completed = own.filter { $0.state == .completed && $0.finalAccuracy != nil }
        let finals = completed.compactMap(\.finalAccuracy).sorted(by: >)
        let topCount = Int((Double(finals.count) / 10).rounded(.up))
        let topThreshold = topCount >= 1 ? finals[topCount - 1] : .infinity
        let auditedCompleted = completed.filter { auditedIDs.contains($0.id) }
        let pairs = completed.compactMap { trial in
            trial.priorPrediction.flatMap { prediction in trial.finalAccuracy.map { (prediction.accuracy, $0) } }
        }
        self.init(
            vetoed: own.filter { $0.state == .vetoed }.count,
            audited: own.filter { auditedIDs.contains($0.id) }.count,
            auditedInTopDecile: auditedCompleted.filter { ($0.finalAccuracy ?? -.infinity) >= topThreshold }.count,
            auditedCompleted: auditedCompleted.count,
            kendallTau: pairs.count >= 2 ? (try? KendallTau.tauB(pairs.map(\.0), pairs.map(\.1))) ?? nil : nil,
            tauTrials: pairs.count)
    }
}
