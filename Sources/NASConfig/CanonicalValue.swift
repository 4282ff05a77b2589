import NASCore

/// A JSON value with one rendering: object keys sorted, `", "` and `": "` separators, integers
/// without a fraction, floats in Swift's shortest round-trip form. Used for the search identity.
enum CanonicalValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([CanonicalValue])
    case object([String: CanonicalValue])

    /// The canonical JSON text.
    var rendered: String {
        switch self {
        case .null:
            return "null"
        case .bool(let value):
            return value ? "true" : "false"
        case .integer(let value):
            return String(value)
        case .number(let value):
            return value.isFinite ? String(value) : "null"
        case .string(let value):
            return JSONStringLiteral.quoted(value)
        case .array(let items):
            return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let members):
            let body = members.keys.sorted().map { key in
                JSONStringLiteral.quoted(key) + ": " + (members[key] ?? .null).rendered
            }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }

    /// Whether the value is a scalar or an array of scalars (shown whole in a difference).
    var isLeaf: Bool {
        switch self {
        case .object: return false
        case .array(let items): return items.allSatisfy { $0.isScalar }
        default: return true
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// The value read back from a parsed canonical rendering.
    init(node: YAMLNode) {
        switch node.value {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .integer(let value): self = .integer(value)
        case .float(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .list(let items): self = .array(items.map(CanonicalValue.init(node:)))
        case .map(let entries):
            var members: [String: CanonicalValue] = [:]
            for entry in entries {
                members[entry.key] = CanonicalValue(node: entry.value)
            }
            self = .object(members)
        }
    }

    /// The leaves of the value by key path: objects by `.key`, arrays of non-scalars by `[i]`.
    func flattened(path: String = "") -> [(path: String, value: CanonicalValue)] {
        if isLeaf {
            return [(path, self)]
        }
        switch self {
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                (members[key] ?? .null).flattened(path: keyPath(path, key))
            }
        case .array(let items):
            return items.enumerated().flatMap { offset, item in item.flattened(path: "\(path)[\(offset)]") }
        default:
            return [(path, self)]
        }
    }
}
