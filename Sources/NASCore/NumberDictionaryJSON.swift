import Foundation

/// The JSON form of a flat `[String: Double]` (hyperparameters, epoch metrics), with sorted keys.
///
/// Hand-written because it runs for every epoch report on the hot path, where `JSONEncoder` costs
/// more than the insert itself, and because sorted keys make the text a stable identity. Doubles are
/// written in Swift's shortest round-tripping form; non-finite values, which JSON cannot express,
/// are written as `null` and skipped when read back.
public enum NumberDictionaryJSON {
    /// Encodes `values` as a JSON object with sorted keys.
    public static func encode(_ values: [String: Double]) -> String {
        if values.isEmpty { return "{}" }
        var text = "{"
        for (offset, key) in values.keys.sorted().enumerated() {
            if offset > 0 { text += "," }
            text += JSONStringLiteral.quoted(key)
            text += ":"
            let value = values[key] ?? .nan
            text += value.isFinite ? "\(value)" : "null"
        }
        text += "}"
        return text
    }

    /// Decodes a JSON object of numbers (and `null`s, skipped), each to the exact `Double` its text
    /// names: `JSONDecoder` parses numbers exactly, where `JSONSerialization` on Linux misreads the
    /// last bit of about two values in three (a learning rate read back would differ from the one
    /// trained with, and a retrained network would not carry its searched value).
    ///
    /// - Returns: The values, or `nil` when the text is not such an object.
    public static func decode(_ text: String) -> [String: Double]? {
        if text == "{}" { return [:] }  // what `encode` writes for no values: the common case
        guard let object = try? JSONDecoder().decode([String: Double?].self, from: Data(text.utf8)) else {
            return nil
        }
        return object.compactMapValues { $0 }
    }
}
