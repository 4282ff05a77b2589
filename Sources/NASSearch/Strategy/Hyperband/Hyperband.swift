import Foundation
import NASCore

/// Hyperband (Li et al. 2018, Algorithm 1): brackets of successive halving over random
/// configurations, from the most aggressive (many configurations, few epochs) to plain training
/// of a few at the full budget R. `HyperbandBracket` gives the rounds.
///
/// Asynchronous, as the daemon needs it:
/// - Round 0 of a bracket is filled from the queue as fast as workers ask; when a bracket has
///   drawn all its configurations and has nothing to promote, the next bracket opens, so workers
///   never idle while a rung waits for its last results.
/// - A configuration is promoted as soon as the rung's results prove it is among the rung's top
///   k = n_{i+1}: when at least `m − k` of the rung's other members are known to rank below it
///   (m is the rung's size: final once the rung below has decided, otherwise its planned n_i).
///   Promotions come best first, so the promoted set equals synchronous successive halving's.
/// - A promotion is `.continueTraining(proposalID:budget:)`: the daemon continues the same trial
///   to r_{i+1} epochs and later delivers a new observation with the same proposal id.
///
/// Ranking: a completed trial ranks by the last value of its curve, an early-stopped one
/// (f-Hyperband, `FastHyperbandPruner`) by its predicted value at the rung's budget, and is promoted
/// like any other when that ranks it among the top k (the daemon does not train a stopped trial
/// again: it answers the next rung with the same prediction). A rung with failures: a failed (or vetoed) trial
/// ranks below every result, ties between failures by proposal order; it is never continued, and
/// a top-k place that falls to a failure is lost, so the next rung is smaller by one. A rung
/// whose members all fail ends its bracket early.
///
/// Cost: a call examines only the brackets that changed since it last found nothing to promote in
/// them (a result arrived, a configuration was drawn, or it promoted from them), and a bracket that
/// is done leaves the state, so neither `propose()` nor `observe(_:)` grows with the brackets
/// opened so far.
public struct Hyperband: SearchStrategy {
    private enum Result: Codable, Hashable {
        case value(Double)
        case failed
    }

    private struct Member: Codable, Hashable {
        var proposalID: Int
        var result: Result?
        /// Continued to the next rung, or its top-k place was lost to a failure.
        var isDecided = false
    }

    private struct Rung: Codable, Hashable {
        var members: [Member] = []
    }

    private struct OpenBracket: Codable, Hashable {
        var number: Int
        var bracket: HyperbandBracket
        var drawn = 0
        var rungs: [Rung]
    }

    private struct State: Codable, Hashable {
        var generator: SeededGenerator
        var nextProposalID = 1
        /// Brackets opened so far (iteration after iteration), oldest first, less those found
        /// complete: the newest stays until the next opens or nothing is left to open (`phase`
        /// reports on it). A snapshot taken before complete brackets were dropped holds them all.
        var open: [OpenBracket] = []
        /// How many brackets were opened.
        var opened = 0
        var observed = 0
    }

    private let sampler: any NetworkSampler
    private let hyperparameters: HyperparameterSpace
    private let brackets: [HyperbandBracket]
    private let iterations: Int
    private var state: State
    private var index = BracketIndex()
    /// Brackets examined for a promotion so far (tests check it grows with the proposals, not
    /// with the brackets opened).
    private(set) var bracketsExamined = 0

    /// What `propose()` and `observe(_:)` look up instead of scanning every open bracket: derived
    /// from `state.open`, so never snapshotted (`restore(from:)` rebuilds it).
    private struct BracketIndex {
        /// The number of the open bracket each proposal belongs to.
        var bracketOfProposal: [Int: Int] = [:]
        /// Open brackets, by number, that changed since `promote(in:)` last found nothing in
        /// them. Only these can have a promotion: finding none leaves a bracket as it was, and
        /// only a result, a draw or a promotion changes it.
        var changed: Set<Int> = []

        init() {}

        /// The index of `open` with every bracket marked changed.
        init(_ open: [OpenBracket]) {
            for bracket in open {
                changed.insert(bracket.number)
                for rung in bracket.rungs {
                    for member in rung.members { bracketOfProposal[member.proposalID] = bracket.number }
                }
            }
        }
    }

    /// Creates a Hyperband search.
    ///
    /// - Parameters:
    ///   - sampler: the space configurations are drawn from (uniformly).
    ///   - maxResource: R, in epochs.
    ///   - eta: η.
    ///   - iterations: how many times the whole set of brackets runs.
    ///   - hyperparameters: the training hyperparameters; searched ones are drawn with each network.
    ///   - seed: the run seed.
    public init(
        sampler: any NetworkSampler, maxResource: Int, eta: Int, iterations: Int, hyperparameters: HyperparameterSpace,
        seed: UInt64
    ) {
        self.sampler = sampler
        self.hyperparameters = hyperparameters
        self.brackets = HyperbandBracket.brackets(maxResource: maxResource, eta: eta)
        self.iterations = max(1, iterations)
        self.state = State(generator: SeededGenerator.derived(from: seed, stream: "hyperband"))
    }

    public var kind: String { "hyperband" }

    public var phase: String {
        guard let newest = state.open.last else {
            return state.opened == 0 ? "not started" : "all \(state.opened) brackets done"
        }
        let iteration = (newest.number / brackets.count) + 1
        let rung = newest.rungs.lastIndex { !$0.members.isEmpty } ?? 0
        let known = newest.rungs[rung].members.filter { $0.result != nil }.count
        return "iteration \(iteration)/\(iterations), bracket s=\(newest.bracket.s) rung \(rung) "
            + "(\(known)/\(newest.bracket.rounds[rung].configurations) results)"
    }

    /// The brackets of one iteration.
    public var bracketTable: [HyperbandBracket] { brackets }

    public mutating func propose() throws(StrategyError) -> Proposal {
        // Oldest first, as a scan of every open bracket would: the others have nothing to promote.
        for number in index.changed.sorted() {
            guard let position = position(ofBracket: number) else {
                index.changed.remove(number)
                continue
            }
            if let promotion = promote(in: position) { return promotion }
            index.changed.remove(number)
            if position < state.open.count - 1 && isComplete(state.open[position]) { drop(at: position) }
        }
        while true {
            if var newest = state.open.last, newest.drawn < newest.bracket.rounds[0].configurations {
                let network = try sampler.sampleNetwork(using: &state.generator)
                let candidate = Candidate(
                    proposalID: state.nextProposalID, network: network,
                    hyperparameters: hyperparameters.sample(using: &state.generator),
                    budget: newest.bracket.rounds[0].epochs, phase: ProposalPhase(bracket: newest.bracket.s, rung: 0))
                state.nextProposalID += 1
                newest.drawn += 1
                newest.rungs[0].members.append(Member(proposalID: candidate.proposalID))
                state.open[state.open.count - 1] = newest
                index.bracketOfProposal[candidate.proposalID] = newest.number
                index.changed.insert(newest.number)
                return .train(candidate)
            }
            guard state.opened < iterations * brackets.count else { break }
            if let newest = state.open.last, isComplete(newest) { drop(at: state.open.count - 1) }
            let bracket = brackets[state.opened % brackets.count]
            state.open.append(
                OpenBracket(number: state.opened, bracket: bracket, rungs: bracket.rounds.map { _ in Rung() }))
            state.opened += 1
        }
        for position in state.open.indices.reversed() where isComplete(state.open[position]) {
            drop(at: position)
        }
        return state.open.isEmpty ? .exhausted : .waitForResults
    }

    public mutating func observe(_ observation: Observation) {
        guard let number = index.bracketOfProposal[observation.proposalID], let b = position(ofBracket: number)
        else { return }
        let result: Result = observation.outcome.reward.map { .value($0) } ?? .failed
        for r in state.open[b].rungs.indices.reversed() {
            if let m = state.open[b].rungs[r].members.firstIndex(where: {
                $0.proposalID == observation.proposalID && $0.result == nil
            }) {
                state.open[b].rungs[r].members[m].result = result
                state.observed += 1
                index.changed.insert(number)
                return
            }
        }
    }

    public func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    public mutating func restore(from snapshot: Data) throws(StrategyError) {
        let restored = try Self.decodeSnapshot(State.self, from: snapshot)
        guard restored.open.allSatisfy({ brackets.contains($0.bracket) }) else {
            throw .snapshot("the snapshot's brackets differ from the configured R and η")
        }
        guard
            restored.open.allSatisfy({
                $0.rungs.count == $0.bracket.rounds.count && $0.drawn <= $0.bracket.rounds[0].configurations
            })
        else { throw .snapshot("an open bracket's rungs do not match its rounds") }
        guard zip(restored.open, restored.open.dropFirst()).allSatisfy({ $0.number < $1.number }) else {
            throw .snapshot("the open brackets are not in the order they were opened")
        }
        state = restored
        index = BracketIndex(restored.open)
    }

    /// The rung proposal `proposalID` is training in — the highest rung where it awaits its
    /// result — with that rung's results so far (values only: a failure is no result to compare
    /// with) and n_{i+1}, or nil when it awaits none.
    public func rungStanding(ofProposal proposalID: Int) -> RungStanding? {
        guard let number = index.bracketOfProposal[proposalID], let position = position(ofBracket: number) else {
            return nil
        }
        let bracket = state.open[position]
        for r in bracket.rungs.indices.reversed()
        where bracket.rungs[r].members.contains(where: { $0.proposalID == proposalID && $0.result == nil }) {
            let results = bracket.rungs[r].members.compactMap { member -> Double? in
                if case .value(let value)? = member.result { return value }
                return nil
            }
            let last = bracket.rungs.count - 1
            return RungStanding(
                targetEpochs: bracket.bracket.rounds[r].epochs, results: results,
                survivors: r < last ? bracket.bracket.rounds[r + 1].configurations : 1)
        }
        return nil
    }

    /// How many brackets were opened so far (tests).
    var bracketsOpened: Int { state.opened }

    /// How many brackets the state holds (tests: it stays bounded however long the search runs).
    var openBracketCount: Int { state.open.count }

    // MARK: - The open brackets

    /// Where bracket `number` is in `state.open` (binary search: numbers ascend), or nil once dropped.
    private func position(ofBracket number: Int) -> Int? {
        var low = 0
        var high = state.open.count
        while low < high {
            let middle = (low + high) / 2
            if state.open[middle].number < number { low = middle + 1 } else { high = middle }
        }
        return low < state.open.count && state.open[low].number == number ? low : nil
    }

    /// Removes a complete bracket, which no result, promotion or standing can concern any more.
    private mutating func drop(at position: Int) {
        let bracket = state.open.remove(at: position)
        index.changed.remove(bracket.number)
        for rung in bracket.rungs {
            for member in rung.members { index.bracketOfProposal[member.proposalID] = nil }
        }
    }

    // MARK: - Successive halving

    /// The next promotion out of bracket `index`, lowest rung first, best member first.
    private mutating func promote(in position: Int) -> Proposal? {
        bracketsExamined += 1
        var bracket = state.open[position]
        defer { state.open[position] = bracket }
        for r in 0..<(bracket.rungs.count - 1) {
            let keep = bracket.bracket.rounds[r + 1].configurations
            let size = rungSize(r, of: bracket)
            let ranked = ranking(of: bracket.rungs[r])
            for (position, memberIndex) in ranked.enumerated() {
                let member = bracket.rungs[r].members[memberIndex]
                let below = ranked.count - 1 - position
                guard below >= size - keep else { break }
                guard !member.isDecided else { continue }
                bracket.rungs[r].members[memberIndex].isDecided = true
                guard case .value = member.result else { continue }
                bracket.rungs[r + 1].members.append(Member(proposalID: member.proposalID))
                return .continueTraining(proposalID: member.proposalID, budget: bracket.bracket.rounds[r + 1].epochs)
            }
        }
        return nil
    }

    /// Members with a result, best first: values descending, failures last, ties by proposal id.
    private func ranking(of rung: Rung) -> [Int] {
        rung.members.indices.filter { rung.members[$0].result != nil }.sorted { a, b in
            let left = rung.members[a]
            let right = rung.members[b]
            switch (left.result, right.result) {
            case (.value(let x)?, .value(let y)?) where x != y: return x > y
            case (.value?, .failed?): return true
            case (.failed?, .value?): return false
            default: return left.proposalID < right.proposalID
            }
        }
    }

    /// The number of members rung `r` will have: final once the rung below has decided
    /// (or, for rung 0, once every configuration is drawn), else its planned size.
    private func rungSize(_ r: Int, of bracket: OpenBracket) -> Int {
        isSettled(r, of: bracket) ? bracket.rungs[r].members.count : bracket.bracket.rounds[r].configurations
    }

    /// Whether rung `r` has all the members it will ever have.
    private func isSettled(_ r: Int, of bracket: OpenBracket) -> Bool {
        if r == 0 { return bracket.drawn >= bracket.bracket.rounds[0].configurations }
        return isSettled(r - 1, of: bracket) && bracket.rungs[r - 1].members.allSatisfy { $0.result != nil }
            && decidedCount(r - 1, of: bracket)
                >= min(
                    bracket.bracket.rounds[r].configurations, bracket.rungs[r - 1].members.count)
    }

    private func decidedCount(_ r: Int, of bracket: OpenBracket) -> Int {
        bracket.rungs[r].members.filter(\.isDecided).count
    }

    /// Whether every rung is settled, every result is in and nothing is left to promote.
    private func isComplete(_ bracket: OpenBracket) -> Bool {
        let last = bracket.rungs.count - 1
        return isSettled(last, of: bracket) && bracket.rungs[last].members.allSatisfy { $0.result != nil }
    }
}
