import Foundation
import NASCore

/// MetaQNN (Baker et al. 2017): ε-greedy Q-learning over the choices that build a network, with
/// experience replay, on any `SequentialDecisionSpace` (the MetaQNN layer space; NAS-Bench-201's
/// edges).
///
/// - A proposal is one walk from the start state: at each state, with probability ε a uniformly
///   random legal action, else an action of maximal Q (ties broken uniformly at random).
/// - ε follows the `EpsilonSchedule`, counted in unique networks trained.
/// - Every result joins the `ReplayMemory`; after each incorporated result `replayBatch`
///   experiences are drawn uniformly with replacement and replayed through the `QLearningUpdate`.
/// - A network already trained is not proposed again: as the original server did
///   (`generate_new_netork`), a walk that ends on a known network re-incorporates that network's
///   stored reward (it joins the memory, a replay batch follows) and another walk is drawn, up to
///   `maxWalksPerProposal` walks; after that the last known network is proposed, the daemon reuses
///   its finished trial, and the daemon's duplicate limit ends a space with nothing new left. An
///   outcome for a network the strategy already knew (a trial the daemon joined or reused) is
///   replayed too and never counts as a new unique model.
/// - Asynchronous: proposals never wait for results, so every worker slot stays busy; results are
///   incorporated in the order they arrive.
/// - Rewards: `TrialOutcome.reward(includingVetoed:)`: a completed trial's final accuracy, an
///   early-stopped trial's prediction, a veto's prediction only with `prior.reward_vetoed`.
///   A failure, or a veto without reward, teaches nothing, does not count toward the schedule,
///   and its network is not proposed again. Networks over the space's limits are never proposed
///   (the original's `net_too_large`).
///
/// The whole state (Q-table, replay memory, schedule, pending proposals, generator) is in
/// `snapshot()`; a restored instance proposes exactly what the uninterrupted one would.
public struct MetaQNN<Space: SequentialDecisionSpace>: SearchStrategy {
    /// Walks drawn for one proposal before a known network is proposed anyway.
    public static var maxWalksPerProposal: Int { 100 }

    /// A proposal whose outcome has not arrived.
    struct PendingProposal: Hashable, Codable {
        var proposalID: Int
        /// The schedule step it was proposed in.
        var step: Int
        var states: [Int32]
        var actions: [Int32]
    }

    /// Counts shown in `phase` and kept for reports.
    public struct Counters: Hashable, Sendable, Codable {
        /// Outcomes observed.
        public var observed = 0
        /// Outcomes for networks the strategy already knew (joined or reused trials).
        public var reusedOutcomes = 0
        /// Walks that ended on a known network and were re-incorporated without a proposal.
        public var resampledWalks = 0
        /// Walks that ended on a network over the space's limits.
        public var walksOverLimits = 0
        /// Outcomes that taught nothing (failures, vetoes without reward).
        public var unrewarded = 0
        /// Known networks proposed because `maxWalksPerProposal` walks found nothing new.
        public var knownNetworksProposed = 0
    }

    struct State: Codable, Equatable {
        var generator: SeededGenerator
        var nextProposalID: Int
        var table: QTable<Space.State>
        var memory: ReplayMemory
        var schedule: EpsilonSchedule
        var pending: [PendingProposal]
        /// Networks (as action sequences) that taught nothing, in the order seen.
        var unrewarded: [[Int32]]
        var counters: Counters
    }

    private let space: Space
    private let parameters: MetaQNNParameters
    private let hyperparameters: HyperparameterSpace
    private let budget: Int
    private var state: State
    /// The first reward of every network in the memory, by action sequence (derived from
    /// `state.memory`; an action sequence names one network of the space).
    private var knownRewards: [[Int32]: Double] = [:]
    /// `state.unrewarded` as a set.
    private var unrewardedNetworks: Set<[Int32]> = []

    /// Creates the strategy.
    ///
    /// - Parameters:
    ///   - space: the space to search.
    ///   - parameters: the schedule and the Q-learning parameters.
    ///   - hyperparameters: the training hyperparameters; searched ones are drawn for each new
    ///     network (the Q-learning searches the architecture only).
    ///   - budget: the epoch budget of every candidate.
    ///   - seed: the run seed.
    public init(
        space: Space, parameters: MetaQNNParameters, hyperparameters: HyperparameterSpace, budget: Int, seed: UInt64
    ) {
        self.space = space
        self.parameters = parameters
        self.hyperparameters = hyperparameters
        self.budget = budget
        state = State(
            generator: SeededGenerator.derived(from: seed, stream: "metaqnn"), nextProposalID: 1,
            table: QTable(initialValue: parameters.initialQ), memory: ReplayMemory(),
            schedule: EpsilonSchedule(steps: parameters.schedule), pending: [], unrewarded: [],
            counters: Counters())
    }

    public var kind: String { "metaqnn" }

    public var phase: String {
        let schedule = state.schedule
        guard let epsilon = schedule.epsilon else {
            return "schedule done (\(schedule.totalCounted) unique models, \(state.pending.count) pending)"
        }
        return "ε=\(epsilon), \(schedule.counts[schedule.current])/\(schedule.steps[schedule.current].models) "
            + "models (step \(schedule.current + 1) of \(schedule.steps.count))"
    }

    /// The Q-table.
    public var qTable: QTable<Space.State> { state.table }

    /// The replay memory.
    public var replayMemory: ReplayMemory { state.memory }

    /// The ε schedule and its position.
    public var schedule: EpsilonSchedule { state.schedule }

    /// Counts of what happened so far.
    public var counters: Counters { state.counters }

    /// The number of distinct networks with a reward in the memory.
    public var uniqueNetworkCount: Int { knownRewards.count }

    public mutating func propose() throws(StrategyError) -> Proposal {
        guard let epsilon = state.schedule.epsilon else { return .exhausted }
        var lastKnown: Walk?
        for _ in 0..<Self.maxWalksPerProposal {
            let walk = try self.walk(epsilon: epsilon)
            if let reward = knownRewards[walk.actions] {
                state.counters.resampledWalks += 1
                incorporate(Experience(states: walk.states, actions: walk.actions, reward: reward))
                lastKnown = walk
                continue
            }
            if unrewardedNetworks.contains(walk.actions) { continue }
            let network = space.network(of: walk.trajectory)
            guard space.admits(network) else {
                state.counters.walksOverLimits += 1
                continue
            }
            return .train(makeCandidate(walk, network: network))
        }
        guard let known = lastKnown else {
            throw .spaceExhausted(
                "\(Self.maxWalksPerProposal) walks at ε=\(epsilon) found only networks over the limits "
                    + "or networks that failed")
        }
        state.counters.knownNetworksProposed += 1
        return .train(makeCandidate(known, network: space.network(of: known.trajectory)))
    }

    public mutating func observe(_ observation: Observation) {
        guard let index = state.pending.firstIndex(where: { $0.proposalID == observation.proposalID }) else { return }
        let pending = state.pending.remove(at: index)
        state.counters.observed += 1
        guard let reward = observation.outcome.reward(includingVetoed: parameters.rewardsVetoed) else {
            state.counters.unrewarded += 1
            if knownRewards[pending.actions] == nil && unrewardedNetworks.insert(pending.actions).inserted {
                state.unrewarded.append(pending.actions)
            }
            return
        }
        if knownRewards[pending.actions] == nil {
            knownRewards[pending.actions] = reward
            state.schedule.recordUniqueModel(proposedInStep: pending.step)
        } else {
            state.counters.reusedOutcomes += 1
        }
        incorporate(Experience(states: pending.states, actions: pending.actions, reward: reward))
    }

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        let restored = try Self.decodeSnapshot(State.self, from: snapshot)
        guard restored.schedule.steps == parameters.schedule else {
            throw .snapshot("the snapshot's ε schedule differs from the configured one")
        }
        guard restored.schedule.counts.count == restored.schedule.steps.count,
            (0...restored.schedule.steps.count).contains(restored.schedule.current)
        else { throw .snapshot("the ε schedule's position is outside its steps") }
        let paths =
            restored.memory.experiences.map { ($0.states, $0.actions) }
            + restored.pending.map { ($0.states, $0.actions) }
        for (states, actions) in paths {
            guard states.count == actions.count else { throw .snapshot("a trajectory has one action per state") }
            for (state, action) in zip(states, actions) {
                guard state >= 0, Int(state) < restored.table.stateCount, action >= 0,
                    Int(action) < restored.table.actionCount(of: Int(state))
                else { throw .snapshot("a replayed experience refers to a state or action outside the Q-table") }
            }
        }
        state = restored
        rebuildIndexes()
    }

    /// The path of maximal Q from the start (ties to the first action), with the network it
    /// builds; states never seen count as all-`initialQ`.
    public func greedyTrajectory() -> (trajectory: [Space.State], network: Network) {
        var current = space.startState
        var trajectory = [current]
        while !space.isTerminal(current) {
            let actions = space.legalActions(from: current)
            guard !actions.isEmpty else { break }
            var choice = 0
            if let index = state.table.index(of: space.decisionKey(for: current)) {
                choice = state.table.greedyActions(of: index).first ?? 0
            }
            current = actions[choice]
            trajectory.append(current)
        }
        return (trajectory, space.network(of: trajectory))
    }

    // MARK: - Warm start

    /// Replaces the learned state with one learned from an earlier run's results, as the original
    /// server did when it found a replay database: every record joins the memory in order and is
    /// followed by a replay batch, and the schedule is positioned from the unique networks trained
    /// at each ε (`EpsilonSchedule.init(steps:uniqueModels:)`).
    ///
    /// - Parameter records: the earlier results in the order they were incorporated; networks the
    ///   space cannot build are skipped and reported.
    /// - Returns: what was imported.
    public mutating func warmStart(from records: [ReplayRecord]) -> WarmStartSummary {
        var summary = WarmStartSummary()
        var uniqueByEpsilon: [(epsilon: Double, count: Int)] = []
        for record in records {
            summary.rows += 1
            let trajectory: [Space.State]
            do {
                trajectory = try space.trajectory(of: record.network)
            } catch {
                summary.skipped.append(.init(line: record.line, reason: error.description))
                continue
            }
            guard let walk = interned(trajectory) else {
                summary.skipped.append(.init(line: record.line, reason: "the trajectory leaves the space's actions"))
                continue
            }
            summary.imported += 1
            if record.accuracy == WarmStartSummary.chanceAccuracy { summary.neverLearned += 1 }
            if knownRewards[walk.actions] == nil {
                knownRewards[walk.actions] = record.accuracy
                if let index = uniqueByEpsilon.firstIndex(where: { $0.epsilon == record.epsilon }) {
                    uniqueByEpsilon[index].count += 1
                } else {
                    uniqueByEpsilon.append((record.epsilon, 1))
                }
            }
            incorporate(Experience(states: walk.states, actions: walk.actions, reward: record.accuracy))
            summary.lastEpsilon = record.epsilon
        }
        summary.uniqueNetworks = knownRewards.count
        summary.uniqueAtLastEpsilon = uniqueByEpsilon.first { $0.epsilon == summary.lastEpsilon }?.count ?? 0
        state.schedule = EpsilonSchedule(steps: parameters.schedule, uniqueModels: uniqueByEpsilon)
        return summary
    }

    // MARK: - Internals

    private struct Walk {
        var trajectory: [Space.State]
        var states: [Int32]
        var actions: [Int32]
    }

    private mutating func walk(epsilon: Double) throws(StrategyError) -> Walk {
        var current = space.startState
        var walk = Walk(trajectory: [current], states: [], actions: [])
        while !space.isTerminal(current) {
            let actions = space.legalActions(from: current)
            guard !actions.isEmpty else { throw .spaceExhausted("a state that is not terminal has no legal action") }
            let index = state.table.intern(space.decisionKey(for: current), actionCount: actions.count)
            guard state.table.actionCount(of: index) == actions.count else {
                throw .spaceExhausted("states with the same decision key have different numbers of actions")
            }
            let choice: Int
            if Double.random(in: 0..<1, using: &state.generator) < epsilon {
                choice = Int.random(in: 0..<actions.count, using: &state.generator)
            } else {
                let best = state.table.greedyActions(of: index)
                choice = best[Int.random(in: 0..<best.count, using: &state.generator)]
            }
            walk.states.append(Int32(index))
            walk.actions.append(Int32(choice))
            current = actions[choice]
            walk.trajectory.append(current)
        }
        return walk
    }

    /// The Q-table states and actions of a trajectory, interning new states; nil when a step is
    /// not one of its state's legal actions.
    private mutating func interned(_ trajectory: [Space.State]) -> Walk? {
        var walk = Walk(trajectory: trajectory, states: [], actions: [])
        for (current, next) in zip(trajectory, trajectory.dropFirst()) {
            let actions = space.legalActions(from: current)
            guard let choice = actions.firstIndex(of: next) else { return nil }
            let index = state.table.intern(space.decisionKey(for: current), actionCount: actions.count)
            guard state.table.actionCount(of: index) == actions.count else { return nil }
            walk.states.append(Int32(index))
            walk.actions.append(Int32(choice))
        }
        guard let last = trajectory.last, space.isTerminal(last), !walk.states.isEmpty else { return nil }
        return walk
    }

    private mutating func makeCandidate(_ walk: Walk, network: Network) -> Candidate {
        let candidate = Candidate(
            proposalID: state.nextProposalID, network: network,
            hyperparameters: hyperparameters.sample(using: &state.generator), budget: budget,
            phase: ProposalPhase(epsilon: state.schedule.epsilon))
        state.pending.append(
            PendingProposal(
                proposalID: state.nextProposalID, step: state.schedule.current, states: walk.states,
                actions: walk.actions))
        state.nextProposalID += 1
        return candidate
    }

    private mutating func incorporate(_ experience: Experience) {
        state.memory.append(experience)
        state.memory.replay(
            parameters.replayBatch, through: parameters.update, into: &state.table, using: &state.generator)
    }

    private mutating func rebuildIndexes() {
        knownRewards = [:]
        for experience in state.memory.experiences where knownRewards[experience.actions] == nil {
            knownRewards[experience.actions] = experience.reward
        }
        unrewardedNetworks = Set(state.unrewarded)
    }
}
