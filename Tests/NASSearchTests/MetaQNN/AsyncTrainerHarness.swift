import NASCore
import NASSearch

/// Drives a strategy the way the daemon does, without one: `slots` workers kept busy, results
/// arriving in a seeded random order, outcomes computed from a function of the candidate. A
/// candidate whose network was trained before is answered at once with the stored outcome, as the
/// daemon's reuse does; one in flight is joined.
struct AsyncTrainerHarness {
    var slots: Int
    var generator: SeededGenerator
    var outcome: (Candidate) -> TrialOutcome
    /// Every `.train` proposal, in order.
    private(set) var proposals: [Candidate] = []
    /// Every observation delivered, in order.
    private(set) var observations: [Observation] = []
    /// Outcomes of finished trials by canonical notation.
    private(set) var finished: [String: TrialOutcome] = [:]
    /// Running trials: the candidates answered by each.
    private var running: [(notation: String, candidates: [Candidate])] = []
    /// Networks the trainer actually trained (not reused or joined), in order.
    private(set) var trained: [String] = []
    /// Proposals of a network whose trial had finished when it was proposed (answered by reuse).
    private(set) var reusedProposals = 0

    init(slots: Int, seed: UInt64, outcome: @escaping (Candidate) -> TrialOutcome) {
        self.slots = slots
        self.generator = SeededGenerator(seed: seed)
        self.outcome = outcome
    }

    /// Runs until `results` observations were delivered or the strategy stops proposing.
    mutating func run<S: SearchStrategy>(_ strategy: inout S, results: Int) throws {
        let target = observations.count + results
        while observations.count < target {
            var proposedSomething = false
            while running.count < slots {
                guard case .train(let candidate) = try strategy.propose() else { break }
                proposedSomething = true
                proposals.append(candidate)
                let notation = candidate.network.canonicalNotation
                if let stored = finished[notation] {
                    reusedProposals += 1
                    deliver(
                        Observation(proposalID: candidate.proposalID, candidate: candidate, outcome: stored),
                        to: &strategy)
                } else if let index = running.firstIndex(where: { $0.notation == notation }) {
                    running[index].candidates.append(candidate)
                } else {
                    running.append((notation, [candidate]))
                    trained.append(notation)
                }
                if observations.count >= target { return }
            }
            guard !running.isEmpty else {
                if proposedSomething { continue }
                return
            }
            let (notation, candidates) = running.remove(at: Int.random(in: 0..<running.count, using: &generator))
            let result = outcome(candidates[0])
            finished[notation] = result
            for candidate in candidates {
                deliver(
                    Observation(proposalID: candidate.proposalID, candidate: candidate, outcome: result), to: &strategy)
            }
        }
    }

    private mutating func deliver<S: SearchStrategy>(_ observation: Observation, to strategy: inout S) {
        observations.append(observation)
        strategy.observe(observation)
    }
}
