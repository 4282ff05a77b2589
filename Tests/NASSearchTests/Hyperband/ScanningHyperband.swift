import Foundation
import NASCore

@testable import NASSearch

/// `Hyperband` as it was before its proposal cost stopped growing with the search (commit 5c3d578):
/// every `propose()` examines every bracket opened so far and every `observe(_:)` scans them all.
/// Kept verbatim as the reference that the indexed `Hyperband` must match decision for decision,
/// and whose snapshots (same `State` layout, complete brackets included) stand for the runs
/// stored before the change.
struct ScanningHyperband: SearchStrategy {
    private enum Result: Codable, Hashable {
        case value(Double)
        case failed
    }

    private struct Member: Codable, Hashable {
        var proposalID: Int
        var result: Result?
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
        var open: [OpenBracket] = []
        var opened = 0
        var observed = 0
    }

    private let sampler: any NetworkSampler
    private let hyperparameters: HyperparameterSpace
    private let brackets: [HyperbandBracket]
    private let iterations: Int
    private var state: State

    init(
        sampler: any NetworkSampler, maxResource: Int, eta: Int, iterations: Int, hyperparameters: HyperparameterSpace,
        seed: UInt64
    ) {
        self.sampler = sampler
        self.hyperparameters = hyperparameters
        self.brackets = HyperbandBracket.brackets(maxResource: maxResource, eta: eta)
        self.iterations = max(1, iterations)
        self.state = State(generator: SeededGenerator.derived(from: seed, stream: "hyperband"))
    }

    var kind: String { "hyperband" }

    var phase: String {
        guard let newest = state.open.last else {
            return state.opened == 0 ? "not started" : "all \(state.opened) brackets done"
        }
        let iteration = (newest.number / brackets.count) + 1
        let rung = newest.rungs.lastIndex { !$0.members.isEmpty } ?? 0
        let known = newest.rungs[rung].members.filter { $0.result != nil }.count
        return "iteration \(iteration)/\(iterations), bracket s=\(newest.bracket.s) rung \(rung) "
            + "(\(known)/\(newest.bracket.rounds[rung].configurations) results)"
    }

    var bracketTable: [HyperbandBracket] { brackets }

    mutating func propose() throws(StrategyError) -> Proposal {
        for index in state.open.indices {
            if let promotion = promote(in: index) { return promotion }
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
                return .train(candidate)
            }
            guard state.opened < iterations * brackets.count else { break }
            let bracket = brackets[state.opened % brackets.count]
            state.open.append(
                OpenBracket(number: state.opened, bracket: bracket, rungs: bracket.rounds.map { _ in Rung() }))
            state.opened += 1
        }
        let unfinished = state.open.filter { !isComplete($0) }
        state.open = unfinished
        return state.open.isEmpty ? .exhausted : .waitForResults
    }

    mutating func observe(_ observation: Observation) {
        let result: Result = observation.outcome.reward.map { .value($0) } ?? .failed
        for b in state.open.indices {
            for r in state.open[b].rungs.indices.reversed() {
                if let m = state.open[b].rungs[r].members.firstIndex(where: {
                    $0.proposalID == observation.proposalID && $0.result == nil
                }) {
                    state.open[b].rungs[r].members[m].result = result
                    state.observed += 1
                    return
                }
            }
        }
    }

    func snapshot() throws(StrategyError) -> Data {
        try Self.encodeSnapshot(state)
    }

    mutating func restore(from snapshot: Data) throws(StrategyError) {
        let restored = try Self.decodeSnapshot(State.self, from: snapshot)
        guard restored.open.allSatisfy({ brackets.contains($0.bracket) }) else {
            throw .snapshot("the snapshot's brackets differ from the configured R and η")
        }
        guard
            restored.open.allSatisfy({
                $0.rungs.count == $0.bracket.rounds.count && $0.drawn <= $0.bracket.rounds[0].configurations
            })
        else { throw .snapshot("an open bracket's rungs do not match its rounds") }
        state = restored
    }

    func rungStanding(ofProposal proposalID: Int) -> RungStanding? {
        for bracket in state.open {
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
        }
        return nil
    }

    // MARK: - Successive halving

    private mutating func promote(in index: Int) -> Proposal? {
        var bracket = state.open[index]
        defer { state.open[index] = bracket }
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

    private func rungSize(_ r: Int, of bracket: OpenBracket) -> Int {
        isSettled(r, of: bracket) ? bracket.rungs[r].members.count : bracket.bracket.rounds[r].configurations
    }

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

    private func isComplete(_ bracket: OpenBracket) -> Bool {
        let last = bracket.rungs.count - 1
        return isSettled(last, of: bracket) && bracket.rungs[last].members.allSatisfy { $0.result != nil }
    }
}
