/// Why a JSON architecture or layer could not be decoded: names the layer index and the field.
///
/// Thrown from `Architecture.init(from:)` and `Layer.init(from:)`; `JSONDecoder` passes it
/// through unchanged, so a caller can report e.g. `layer 3, field "kernel": expected an integer`.
public struct ArchitectureDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with the field.
    public enum Problem: Hashable, Sendable {
        /// The field is required but absent.
        case missing
        /// The field holds something other than an integer.
        case notAnInteger
        /// The field holds something other than a string.
        case notAString
        /// The `layers` field holds something other than a list.
        case notAList
        /// The layer is not a JSON object.
        case notAnObject
        /// The `type` names no layer type; the associated value is the type given.
        case unknownType(String)
        /// One of a pair of fields that must be given together (dropout's `index` and `count`)
        /// is given without the other; the associated value names the one that is given.
        case givenWithout(String)
    }

    /// The 0-based index of the layer in `layers`, or `nil` for a problem with `layers` itself
    /// or for a layer decoded on its own.
    public var layerIndex: Int?
    /// The JSON field that is wrong (`type`, `filters`, ...; `layers` for the list itself; empty
    /// for a layer that is not an object).
    public var field: String
    /// What is wrong with it.
    public var problem: Problem

    /// Creates a decoding error.
    ///
    /// - Parameters:
    ///   - layerIndex: The 0-based layer index, if the problem is inside a layer of a list.
    ///   - field: The JSON field that is wrong.
    ///   - problem: What is wrong with it.
    public init(layerIndex: Int?, field: String, problem: Problem) {
        self.layerIndex = layerIndex
        self.field = field
        self.problem = problem
    }

    /// `layer 3, field "kernel": expected an integer`.
    public var description: String {
        let place = layerIndex.map { "layer \($0)" }
        let fieldPart = field.isEmpty ? nil : "field \"\(field)\""
        let location = [place, fieldPart].compactMap { $0 }.joined(separator: ", ")
        let explanation: String
        switch problem {
        case .missing: explanation = "missing"
        case .notAnInteger: explanation = "expected an integer"
        case .notAString: explanation = "expected a string"
        case .notAList: explanation = "expected a list of layers"
        case .notAnObject: explanation = "expected an object with a \"type\" field"
        case .unknownType(let type):
            explanation =
                "unknown layer type \"\(type)\"; expected one of "
                + Layer.jsonTypeNames.joined(separator: ", ")
        case .givenWithout(let other): explanation = "must be given together with \"\(other)\""
        }
        return location.isEmpty ? explanation : "\(location): \(explanation)"
    }
}
