import NASCore

/// A network a strategy wants trained, with its hyperparameters and epoch budget.
public struct Candidate: Hashable, Sendable, Codable {
    /// The strategy's own number for this proposal, unique within the run and increasing; outcomes
    /// and "continue" proposals refer to it, so a strategy never needs the daemon's trial ids.
    public var proposalID: Int
    /// The network to train.
    public var network: Network
    /// Training hyperparameters passed to the trainer.
    public var hyperparameters: [String: Double]
    /// The number of epochs to train to.
    public var budget: Int
    /// Where the strategy stood when it proposed this candidate; nil for a strategy without
    /// phases (random search). Absent in candidates stored by earlier builds.
    public var phase: ProposalPhase?

    public init(
        proposalID: Int, network: Network, hyperparameters: [String: Double], budget: Int, phase: ProposalPhase? = nil
    ) {
        self.proposalID = proposalID
        self.network = network
        self.hyperparameters = hyperparameters
        self.budget = budget
        self.phase = phase
    }

    /// The stored JSON keys. The network is written as its notation (`notation`: a third of the
    /// bytes of its JSON form, which every proposal row used to hold); candidates written by
    /// earlier builds carry its JSON form under `architecture` (the key it had when candidates
    /// were sequential only) and still decode.
    private enum CodingKeys: String, CodingKey {
        case proposalID
        case notation
        case legacyNetwork = "architecture"
        case hyperparameters
        case budget
        case phase
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        proposalID = try container.decode(Int.self, forKey: .proposalID)
        if let notation = try container.decodeIfPresent(String.self, forKey: .notation) {
            do {
                network = try Network(notation: notation)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .notation, in: container, debugDescription: "\(error)")
            }
        } else {
            network = try container.decode(Network.self, forKey: .legacyNetwork)
        }
        hyperparameters = try container.decode([String: Double].self, forKey: .hyperparameters)
        budget = try container.decode(Int.self, forKey: .budget)
        phase = try container.decodeIfPresent(ProposalPhase.self, forKey: .phase)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(proposalID, forKey: .proposalID)
        try container.encode(network.notation, forKey: .notation)
        try container.encode(hyperparameters, forKey: .hyperparameters)
        try container.encode(budget, forKey: .budget)
        try container.encodeIfPresent(phase, forKey: .phase)
    }
}

/// What a strategy answers when asked for work.
public enum Proposal: Hashable, Sendable {
    /// Train a new candidate.
    case train(Candidate)
    /// Continue an earlier proposal's trial to a larger budget (a Hyperband promotion).
    case continueTraining(proposalID: Int, budget: Int)
    /// Nothing to propose until results arrive (e.g. a Hyperband rung waiting to fill).
    case waitForResults
    /// Nothing to propose until model `version` is fitted (`SearchStrategy.modelRequest` names the
    /// fit): predictor-driven evolution at the start of a round.
    case waitForModel(version: Int)
    /// The strategy has reached its natural end (an ε schedule run out, the last bracket done).
    case exhausted
}

/// How a proposal's trial ended.
public enum TrialOutcome: Hashable, Sendable, Codable {
    /// Trained to its budget: the whole validation-accuracy curve.
    case completed(curve: [Double])
    /// Stopped by a pruner: the curve so far and the predicted final accuracy with its σ.
    case stoppedEarly(curve: [Double], predicted: Double, sigma: Double)
    /// Rejected before training by a pre-dispatch gate, with the predicted accuracy.
    case vetoed(predicted: Double)
    /// Failed (the trainer crashed, timed out, or ran out of attempts).
    case failed(reason: String)

    /// The accuracy a strategy should learn from, with vetoes teaching nothing: the final value of a
    /// completed curve, the prediction of an early-stopped trial (Baker et al. 2018, §4.1: an
    /// early-stopped model's reward is ŷ_T), nil for a veto or a failure.
    public var reward: Double? { reward(includingVetoed: false) }

    /// The accuracy a strategy should learn from.
    ///
    /// - Parameter includingVetoed: whether a vetoed candidate's prediction is a reward
    ///   (`prior.reward_vetoed`); when false a veto contributes nothing.
    /// - Returns: the last value of a completed curve, the predicted final accuracy of an
    ///   early-stopped trial, the prediction of a veto when `includingVetoed`, otherwise nil.
    public func reward(includingVetoed: Bool) -> Double? {
        switch self {
        case .completed(let curve): return curve.last
        case .stoppedEarly(_, let predicted, _): return predicted
        case .vetoed(let predicted): return includingVetoed ? predicted : nil
        case .failed: return nil
        }
    }
}

/// An outcome for one of the strategy's proposals.
public struct Observation: Hashable, Sendable, Codable {
    public var proposalID: Int
    public var candidate: Candidate
    public var outcome: TrialOutcome

    public init(proposalID: Int, candidate: Candidate, outcome: TrialOutcome) {
        self.proposalID = proposalID
        self.candidate = candidate
        self.outcome = outcome
    }
}
