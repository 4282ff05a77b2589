/// A node of the YAML subset that nasd reads, with the position it was written at.
///
/// Scalars are resolved when parsed, as YAML 1.2's core schema does for plain scalars:
/// `null`/`~`/empty is null, `true`/`false` a boolean, `12`/`-3` an integer, `0.5`/`1e-3`/`.5` a
/// float, anything else (and every quoted scalar) a string. Map keys are always strings.
public struct YAMLNode: Hashable, Sendable {
    /// The resolved content of a node.
    public enum Value: Hashable, Sendable {
        /// `null`, `~`, or nothing at all.
        case null
        /// `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`).
        case bool(Bool)
        /// A plain integer such as `12` or `-3`.
        case integer(Int)
        /// A plain float such as `0.5`, `1e-3`, `.5`, `.inf` or `.nan`.
        case float(Double)
        /// Any other plain scalar, or a quoted one.
        case string(String)
        /// A block list (`- item` lines) or a flow list (`[a, b]`).
        case list([YAMLNode])
        /// A block map (`key: value` lines) or a flow map (`{a: 1}`), in the order written.
        case map([YAMLMapEntry])
    }

    /// How a node was written.
    public enum Style: Hashable, Sendable {
        /// An unquoted scalar (including the empty value).
        case plain
        /// `'...'`.
        case singleQuoted
        /// `"..."`.
        case doubleQuoted
        /// Indentation-based list or map.
        case block
        /// `[...]` or `{...}`.
        case flow
    }

    /// The resolved content.
    public var value: Value
    /// Where the node starts (for an empty value: just after its key's colon or its list dash).
    public var position: SourcePosition
    /// The scalar exactly as written, quotes included; empty for lists, maps and empty values.
    public var source: String
    /// How the node was written.
    public var style: Style

    /// Creates a node.
    public init(value: Value, position: SourcePosition, source: String = "", style: Style = .plain) {
        self.value = value
        self.position = position
        self.source = source
        self.style = style
    }

    /// The value of `key` when this node is a map that has it.
    public subscript(key: String) -> YAMLNode? {
        guard case .map(let entries) = value else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Whether the node is null (written as `null`, `~`, or left empty).
    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The node as an error message names what was found: `'abc'`, `the quoted string "12"`,
    /// `[4, 8]` (a short list of scalars), `a list of 3 items`, `a map`, `an empty value`.
    public var foundDescription: String {
        switch value {
        case .list(let items):
            if items.isEmpty {
                return "an empty list"
            }
            let scalars = items.filter { !$0.source.isEmpty }
            if scalars.count == items.count && items.count <= 8 {
                return "[" + items.map(\.source).joined(separator: ", ") + "]"
            }
            return "a list of \(items.count) item\(items.count == 1 ? "" : "s")"
        case .map(let entries):
            return entries.isEmpty ? "an empty map" : "a map"
        case .null where source.isEmpty:
            return "an empty value"
        default:
            switch style {
            case .singleQuoted, .doubleQuoted:
                return "the quoted string \(source)"
            default:
                return "'\(source)'"
            }
        }
    }
}

/// One `key: value` pair of a map, with the key's position.
public struct YAMLMapEntry: Hashable, Sendable {
    /// The key, unquoted.
    public var key: String
    /// Where the key starts.
    public var keyPosition: SourcePosition
    /// The value.
    public var value: YAMLNode

    /// Creates an entry.
    public init(key: String, keyPosition: SourcePosition, value: YAMLNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
