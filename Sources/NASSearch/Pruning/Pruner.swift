import NASCore

/// What a pruner decides at an epoch boundary.
public enum PruneDecision: Hashable, Sendable {
    /// Let the trial train on.
    case proceed
    /// Stop the trial now; `predicted` is the final accuracy it would have reached, with its σ and
    /// the version of the model that predicted it.
    case stop(predicted: Double, sigma: Double, modelVersion: Int? = nil)
}

/// The one decision point every epoch report passes (SRM early stopping, f-Hyperband).
///
/// The daemon calls `decide` after each durable epoch report of a running trial, and `learn` when
/// a trial completes, so a pruner can grow its training set (SRM's burn-in).
public protocol Pruner: Sendable {
    /// Decides whether a running trial should continue.
    ///
    /// - Parameters:
    ///   - candidate: what is being trained.
    ///   - curve: validation accuracy of epochs 1…τ so far.
    ///   - best: the best final accuracy of the run so far, if any.
    mutating func decide(candidate: Candidate, curve: [Double], best: Double?) -> PruneDecision

    /// Learns from a fully trained curve.
    mutating func learn(candidate: Candidate, curve: [Double])
}

/// What a pre-dispatch gate decides before a candidate is trained at all.
public enum GateDecision: Hashable, Sendable {
    /// Train it; `predicted` is the gate's estimate, recorded with the trial, when it has one.
    case admit(predicted: Double? = nil, modelVersion: Int? = nil)
    /// Do not train; `predicted` is the accuracy the gate expects (Peephole, RNAS).
    case veto(predicted: Double, modelVersion: Int? = nil)
}

/// A check run on each candidate before dispatch (the prior issue's Peephole / RNAS veto).
public protocol CandidateGate: Sendable {
    mutating func evaluate(_ candidate: Candidate) -> GateDecision

    /// Learns from a fully trained curve.
    mutating func learn(candidate: Candidate, curve: [Double])
}
