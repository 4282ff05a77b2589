import Foundation
import NASCore

/// What a pruner decides at an epoch boundary.
public enum PruneDecision: Hashable, Sendable {
    /// Let the trial train on.
    case proceed
    /// Stop the trial now; `predicted` is the final accuracy it would have reached, with its σ and
    /// the version of the model that predicted it.
    case stop(predicted: Double, sigma: Double, modelVersion: Int? = nil)
}

/// Where the run stands when a pruner decides: the final accuracies trained so far, and the rung
/// of successive halving the trial trains in when the strategy has rungs (f-Hyperband).
public struct RunStanding: Hashable, Sendable {
    /// The best final accuracies so far, best first (at most `RunStanding.kept` of them).
    public var topFinals: [Double]
    /// The trial's rung (`SearchStrategy.rungStanding(ofProposal:)`), nil outside Hyperband.
    public var rung: RungStanding?

    /// How many of the best final accuracies are kept (`compare_to_nth` up to this).
    public static let kept = 16

    /// Creates a standing.
    public init(topFinals: [Double] = [], rung: RungStanding? = nil) {
        self.topFinals = topFinals
        self.rung = rung
    }

    /// The best final accuracy so far.
    public var best: Double? { topFinals.first }

    /// The n-th best final accuracy (1-based), when at least n are known.
    public func nthBest(_ n: Int) -> Double? { n >= 1 && n <= topFinals.count ? topFinals[n - 1] : nil }

    /// Records a new final accuracy.
    public mutating func record(_ final: Double) {
        let index = topFinals.firstIndex { $0 < final } ?? topFinals.count
        topFinals.insert(final, at: index)
        if topFinals.count > Self.kept { topFinals.removeLast() }
    }
}

/// The one decision point every epoch report passes (SRM early stopping, f-Hyperband).
///
/// The daemon calls `decide` after each durable epoch report of a running trial, on its commit
/// thread: it must be fast. A pruner that learns declares a `schedule`; the daemon then fits its
/// models off the commit thread (`fit`, see `LearnedPredictor`) and hands `decide` the model
/// version the schedule names for the moment of the decision.
public protocol Pruner: LearnedPredictor {
    /// Decides whether a running trial should continue.
    ///
    /// - Parameters:
    ///   - candidate: what is being trained.
    ///   - curve: the validation accuracies reported so far, with their epochs (τ is the last).
    ///   - standing: the final accuracies of the run so far.
    ///   - model: the model version the schedule names (nil for a pruner without a schedule).
    func decide(
        candidate: Candidate, curve: CurvePrefix, standing: RunStanding, model: (any PredictorModel)?
    ) -> PruneDecision
}

/// What a pre-dispatch gate decides before a candidate is trained at all.
public enum GateDecision: Hashable, Sendable {
    /// Train it; `predicted` is the gate's estimate, recorded with the trial, when it has one.
    case admit(predicted: Double? = nil, modelVersion: Int? = nil)
    /// Do not train; `predicted` is the accuracy the gate expects (Peephole; RNAS: a ranking score).
    case veto(predicted: Double, modelVersion: Int? = nil)
    /// A would-be veto trained anyway (`audit_fraction`), so the run measures its false-veto rate.
    case audit(predicted: Double, modelVersion: Int? = nil)
}

/// Which would-be vetoes are trained anyway (`prior.audit_fraction`).
///
/// A candidate's audit draw is the first 8 bytes of SHA-256 of its canonical notation and
/// proposal number as a fraction of 2⁶⁴: decided from the candidate alone, so a resumed run audits
/// exactly the same candidates.
public enum VetoAudit {
    /// Whether a would-be veto of `candidate` is trained anyway: its draw is below `fraction`.
    public static func isAudited(_ candidate: Candidate, fraction: Double) -> Bool {
        let digest = SHA256.digest(of: Array("\(candidate.network.canonicalNotation)#\(candidate.proposalID)".utf8))
        let word = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(word >> 11) * 0x1p-53 < fraction
    }
}

/// A check run on each candidate before dispatch (the prior issue's Peephole / RNAS veto).
public protocol CandidateGate: LearnedPredictor {
    /// Admits or vetoes a candidate, on the commit thread (fast).
    ///
    /// - Parameters:
    ///   - candidate: the candidate about to be queued.
    ///   - model: the model version the schedule names (nil for a gate without a schedule).
    func evaluate(_ candidate: Candidate, model: (any PredictorModel)?) -> GateDecision
}
