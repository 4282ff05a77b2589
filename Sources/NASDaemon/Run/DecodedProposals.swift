import Foundation
import NASCore
import NASSearch
import NASStore

/// What the core already had decoded when it admitted a proposal, kept so that completing and
/// dispatching trials does not decode it again: the candidates of proposals that still wait for an
/// outcome, and the networks of trials waiting to be dispatched.
///
/// The store stays the record — each lookup falls back to decoding what is stored, so a run
/// resumed from its store (which starts with neither) behaves exactly as one that kept them.
/// Decoding a candidate parses its notation, which was most of the commit thread's time per trial
/// at 100,000 trials (docs/BENCHMARKS.md, "The commit thread's time per trial").
final class DecodedProposals {
    private var candidates: [Int: Candidate] = [:]
    private var networks: [TrialID: Network] = [:]

    /// Keeps `candidate` until its proposal is observed.
    func remember(_ candidate: Candidate) {
        candidates[candidate.proposalID] = candidate
    }

    /// The candidate a stored proposal holds.
    func candidate(of proposal: StoredProposal) throws -> Candidate {
        if let candidate = candidates[proposal.proposalID] { return candidate }
        return try JSONDecoder().decode(Candidate.self, from: proposal.candidate)
    }

    /// Drops the candidates of proposals that have been observed (they are not asked for again).
    func forget(proposals: [Int]) {
        for id in proposals { candidates[id] = nil }
    }

    /// Keeps the network of a trial just queued, until it is dispatched.
    func remember(_ network: Network, queuedAs trialID: TrialID) {
        networks[trialID] = network
    }

    /// The network to dispatch for `trial`, taken out of the cache (a retry parses it again).
    ///
    /// - Parameter waiting: the trials still queued or waiting for the prior: entries for any other
    ///   trial (cancelled or vetoed before dispatch) are dropped once they outnumber these.
    func takeNetwork(of trial: TrialRecord, waiting: @autoclosure () -> Set<TrialID>) throws -> Network {
        let kept = networks.removeValue(forKey: trial.id)
        if networks.count > 64 {
            let waiting = waiting()
            if networks.count > 2 * waiting.count + 64 { networks = networks.filter { waiting.contains($0.key) } }
        }
        if let kept { return kept }
        return try Network(notation: trial.proposedNotation)
    }
}
