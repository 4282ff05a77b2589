/// A message that travels as one frame: a JSON object whose `type` field names the case.
///
/// `WorkerMessage`, `DaemonMessage`, `ControlRequest` and `ControlResponse` conform; encode and
/// decode them with `MessageCodec`, which turns decoding failures into a `ProtocolError` naming
/// the frame, the message type and the field.
public protocol WireMessage: Codable, Sendable {
    /// The value of the `type` discriminator for this message (e.g. `epochProgress`).
    var messageType: String { get }

    /// Every `type` value this message family accepts, for error messages.
    static var messageTypes: [String] { get }
}

/// The `type` discriminator key shared by every message family.
enum MessageTypeKey: String, CodingKey {
    case type
}

/// Thrown from `init(from:)` of a message enum so that `MessageCodec` can name the message type
/// in its `ProtocolError`.
enum MessageDecodingFailure: Error {
    case unknownType(String)
    case invalidPayload(type: String, underlying: DecodingError)
}

extension WireMessage {
    /// Reads the discriminator, checks it against `Kind`, then decodes the case body, wrapping
    /// any failure with the message type.
    static func decodeTagged<Kind: RawRepresentable, Result>(
        _ kind: Kind.Type, from decoder: any Decoder, body: (Kind) throws -> Result
    ) throws -> Result where Kind.RawValue == String {
        let container = try decoder.container(keyedBy: MessageTypeKey.self)
        let typeName = try container.decode(String.self, forKey: .type)
        guard let kind = Kind(rawValue: typeName) else {
            throw MessageDecodingFailure.unknownType(typeName)
        }
        do {
            return try body(kind)
        } catch let error as DecodingError {
            throw MessageDecodingFailure.invalidPayload(type: typeName, underlying: error)
        }
    }

    /// Writes the discriminator; the case body is then encoded into the same keyed container.
    func encodeTag(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MessageTypeKey.self)
        try container.encode(messageType, forKey: .type)
    }
}
