import Foundation

/// A JSON document that could not be decoded, described for a person: where the syntax breaks
/// (`line 1, column 13: unexpected character '}'`) or which field is wrong
/// (`layers[2].type: expected a string`), never a raw `DecodingError` dump.
public struct JSONInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, located as far as the decoder could say.
    public var message: String

    /// Describes a failure of `JSONDecoder` on `data`, or passes through the description of an
    /// error that already names its field (such as `ArchitectureDecodingError`).
    ///
    /// `JSONDecoder` does not say where a syntax error is; for those the data is scanned again
    /// with `JSONSerialization`, which does, and the offset is turned into a line and column.
    public init(decoding error: any Error, data: Data) {
        guard let decoding = error as? DecodingError else {
            message = "\(error)"
            return
        }
        switch decoding {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            message = "not valid JSON: " + Self.syntaxDetail(of: data, fallback: context.debugDescription)
        case .dataCorrupted(let context):
            message = "\(Self.path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            message = "\(Self.path(context.codingPath + [key])): missing"
        case .valueNotFound(_, let context):
            message = "\(Self.path(context.codingPath)): missing (found null)"
        case .typeMismatch(let type, let context):
            message = "\(Self.path(context.codingPath)): expected \(Self.typeName(type))"
        @unknown default:
            message = "not valid JSON"
        }
    }

    /// One line.
    public var description: String { message }

    /// JSONSerialization's account of the syntax error ("invalid value around character 4"),
    /// with the line and column of that byte.
    private static func syntaxDetail(of data: Data, fallback: String) -> String {
        let detail: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return fallback
        } catch let error as NSError {
            guard let text = error.userInfo[NSDebugDescriptionErrorKey] as? String, !text.isEmpty else {
                return fallback
            }
            detail = text.hasSuffix(".") ? String(text.dropLast()) : text
        }
        var message = detail.prefix(1).lowercased() + detail.dropFirst()
        if let range = detail.range(of: "around character "),
            let offset = Int(detail[range.upperBound...].prefix { $0.isNumber }), offset <= data.count
        {
            var line = 1
            var column = 1
            for byte in data.prefix(offset) {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            message += " (line \(line), column \(column))"
        }
        return message
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPathText(codingPath, root: "the document")
    }

    /// A decoding path as people read it: `record.metrics.loss`, `inFlight[0].jobID`; `root` for
    /// the empty path. Shared by every decoder that reports a field (the protocol's too).
    public static func codingPathText(_ codingPath: [any CodingKey], root: String) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? root : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is UInt64.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is [String: Any].Type: return "an object"
        case is [Any].Type: return "a list"
        default: return "a value of another type"
        }
    }
}
