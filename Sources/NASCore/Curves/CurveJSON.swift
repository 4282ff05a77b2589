import Foundation

/// A JSON value as read from one line of a curves file, so that every field can be checked by
/// hand and an error can name the field (a `Decodable` model would only say "type mismatch").
///
/// Numbers keep whether they were written as integers, so that `"epochs": [1.5]` is an error
/// rather than a silent truncation.
enum CurveJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([CurveJSON])
    case object([String: CurveJSON])

    /// The value as a floating-point number, when it is a number of either kind.
    var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The value as an integer, when it is an integer or a number with no fractional part.
    var integerValue: Int? {
        switch self {
        case .integer(let value):
            return value
        case .number(let value):
            guard value.rounded() == value, abs(value) < 9.0e15 else { return nil }
            return Int(value)
        default:
            return nil
        }
    }

    /// The JSON text of the value: compact, object keys sorted (with `type` first, so that a
    /// layer object reads `{"type":"conv",...}`), numbers in their shortest round-trip form.
    var serialized: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .integer(let value):
            output += String(value)
        case .number(let value):
            output += Self.format(value)
        case .string(let value):
            output += JSONStringLiteral.quoted(value)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { lhs, rhs in
                if lhs == "type" || rhs == "type" { return lhs == "type" && rhs != "type" }
                return lhs < rhs
            }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                output += JSONStringLiteral.quoted(key)
                output += ":"
                members[key, default: .null].write(to: &output)
            }
            output += "}"
        }
    }

    /// A finite double in JSON syntax (Swift's shortest round-trip digits are valid JSON, except
    /// that JSON has no non-finite numbers: those are written as `null`).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value.description
    }
}

extension CurveJSON: Codable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CurveJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CurveJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}
