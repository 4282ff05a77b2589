import Foundation

/// Any JSON value: the flexible payload of control responses.
///
/// Numbers are `Double`s: integers up to 2^53 survive exactly; larger ones (64-bit seeds) should
/// travel as strings.
public enum JSONValue: Hashable, Sendable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as the JSON it stands for.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Converts any `Encodable` value (a daemon view, for instance) into a `JSONValue`.
    ///
    /// - Throws: `JSONValueError.conversionFailed` when the value cannot be encoded.
    public init<Value: Encodable>(encoding value: Value) throws(JSONValueError) {
        do {
            let data = try JSONEncoder().encode(value)
            self = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .conversionFailed(type: "\(Value.self)", detail: String(describing: error))
        }
    }

    /// Converts this value into a `Decodable` type (a client reading a daemon view).
    ///
    /// - Throws: `JSONValueError.conversionFailed` when the value does not have that shape.
    public func decode<Value: Decodable>(as type: Value.Type) throws(JSONValueError) -> Value {
        do {
            let data = try JSONEncoder().encode(self)
            return try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw .conversionFailed(type: "\(Value.self)", detail: String(describing: error))
        }
    }

    /// The member of an object, or `nil` for other values and absent keys.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self {
            return members[key]
        }
        return nil
    }

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, when this is one.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an `Int`, when this is an integral number that fits.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value, let exact = Int(exactly: value) else {
            return nil
        }
        return exact
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// Why a value could not be converted to or from a `JSONValue`.
public enum JSONValueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The conversion to or from `type` failed.
    case conversionFailed(type: String, detail: String)

    /// The type and the underlying reason.
    public var description: String {
        switch self {
        case .conversionFailed(let type, let detail):
            return "cannot convert \(type) to or from JSON: \(detail)"
        }
    }
}
