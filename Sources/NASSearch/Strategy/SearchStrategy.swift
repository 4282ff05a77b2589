import Foundation

/// A search strategy: proposes candidates, learns from their outcomes, and survives restarts.
///
/// Strategies are pure and deterministic: all randomness comes from a `SeededGenerator` they own
/// and save in `snapshot()`. The daemon saves the snapshot in the same transaction as the state
/// change that follows a `propose()` or `observe(_:)`, so after a crash the restored strategy
/// proposes exactly what the uninterrupted one would have.
public protocol SearchStrategy: Sendable {
    /// The strategy's kind, as written in configurations (`random`, `metaqnn`, ...).
    var kind: String { get }

    /// A short human-readable phase for status views (`ε=0.9, 12/100 models`, `bracket s=3 rung 1`).
    var phase: String { get }

    /// The next piece of work, or why there is none.
    mutating func propose() throws(StrategyError) -> Proposal

    /// Learns from the outcome of one of this strategy's proposals.
    mutating func observe(_ observation: Observation)

    /// The strategy's whole state as bytes.
    func snapshot() throws(StrategyError) -> Data

    /// Replaces the state with one produced by `snapshot()`.
    mutating func restore(from snapshot: Data) throws(StrategyError)

    /// Where proposal `proposalID`'s configuration stands in the round of successive halving it
    /// is training in (Hyperband: f-Hyperband's reference), or nil for a strategy without rounds
    /// or a proposal not training in one.
    func rungStanding(ofProposal proposalID: Int) -> RungStanding?

    /// The fit and the preparation the next proposal waits for, while `propose()` answers
    /// `.waitForModel`; nil otherwise (and for every strategy that fits no model).
    var modelRequest: StrategyModelRequest? { get }

    /// Hands over what `modelRequest.prepare` made. A preparation of another version, or made from
    /// a state the strategy is no longer in, is ignored.
    mutating func install(_ preparation: StrategyPreparation)
}

extension SearchStrategy {
    /// A strategy without rounds of successive halving has no rungs.
    public func rungStanding(ofProposal proposalID: Int) -> RungStanding? { nil }

    /// A strategy that fits no model never asks for one.
    public var modelRequest: StrategyModelRequest? { nil }

    public mutating func install(_ preparation: StrategyPreparation) {}
}

/// Why a strategy could not propose, snapshot or restore.
public enum StrategyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The search space could not produce a legal candidate (e.g. every sample exceeded the limits).
    case spaceExhausted(String)
    /// A snapshot could not be encoded or decoded.
    case snapshot(String)
    /// The space could not mutate a network (not of the space, or no legal mutation).
    case mutationFailed(String)

    public var description: String {
        switch self {
        case .spaceExhausted(let why): return "search space exhausted: \(why)"
        case .snapshot(let why): return "strategy snapshot: \(why)"
        case .mutationFailed(let why): return "mutation failed: \(why)"
        }
    }
}

extension SearchStrategy {
    /// Encodes a Codable strategy state as a snapshot.
    static func encodeSnapshot<State: Encodable>(_ state: State) throws(StrategyError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(state)
        } catch {
            throw .snapshot("cannot encode \(State.self): \(error)")
        }
    }

    /// Decodes a snapshot made by `encodeSnapshot(_:)`.
    static func decodeSnapshot<State: Decodable>(_ type: State.Type, from data: Data) throws(StrategyError) -> State {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .snapshot("cannot decode \(State.self): \(error)")
        }
    }
}
