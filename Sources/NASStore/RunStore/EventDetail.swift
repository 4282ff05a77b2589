import NASCore

/// Builds the small JSON objects the store writes into `events.detail`.
enum EventDetail {
    /// A JSON object with sorted keys; `.blob` values are written as their byte count.
    static func make(_ fields: [String: DatabaseValue]) -> String {
        var text = "{"
        for (offset, key) in fields.keys.sorted().enumerated() {
            if offset > 0 { text += "," }
            text += JSONStringLiteral.quoted(key)
            text += ":"
            switch fields[key] ?? .null {
            case .null: text += "null"
            case .integer(let value): text += String(value)
            case .real(let value): text += value.isFinite ? "\(value)" : "null"
            case .text(let value): text += JSONStringLiteral.quoted(value)
            case .blob(let value): text += String(value.count)
            }
        }
        return text + "}"
    }
}
