import Foundation
import NASCore

extension Candidate {
    /// Why a candidate cannot be written as JSON.
    public struct StoredJSONError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The field whose value JSON cannot express: `hyperparameters.NAME` or `phase.epsilon`.
        public var field: String
        /// The value (NaN or infinite).
        public var value: Double
        public var description: String { "the candidate's \(field) is \(value), which JSON cannot express" }
    }

    /// The JSON object `encode(to:)` writes (the same keys and values, in sorted key order), written
    /// by hand with the network's notation already at hand: the daemon stores one for every
    /// proposal on its commit thread, where `JSONEncoder` cost more than the rest of admitting the
    /// candidate. `JSONDecoder` reads it back to an equal candidate (tested against `encode(to:)`).
    ///
    /// - Parameter notation: `network.notation` (taken, not recomputed).
    /// - Throws: `StoredJSONError` for a non-finite number, as `JSONEncoder` refuses one.
    public func storedJSON(notation: String) throws(StoredJSONError) -> Data {
        for (name, value) in hyperparameters where !value.isFinite {
            throw StoredJSONError(field: "hyperparameters.\(name)", value: value)
        }
        var text = "{\"budget\":\(budget),\"hyperparameters\":\(NumberDictionaryJSON.encode(hyperparameters))"
        text += ",\"notation\":" + JSONStringLiteral.quoted(notation)
        if let phase {
            var fields: [String] = []
            if let bracket = phase.bracket { fields.append("\"bracket\":\(bracket)") }
            if let epsilon = phase.epsilon {
                guard epsilon.isFinite else { throw StoredJSONError(field: "phase.epsilon", value: epsilon) }
                fields.append("\"epsilon\":\(epsilon)")
            }
            if let generation = phase.generation { fields.append("\"generation\":\(generation)") }
            if let rung = phase.rung { fields.append("\"rung\":\(rung)") }
            text += ",\"phase\":{" + fields.joined(separator: ",") + "}"
        }
        text += ",\"proposalID\":\(proposalID)}"
        return Data(text.utf8)
    }
}
