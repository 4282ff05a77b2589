/// Why bytes on a worker or control connection could not be turned into a message, or a message
/// into bytes.
///
/// Every case names the frame (its 1-based index on the connection) and, where known, the message
/// type and the field, e.g. `frame 3 (epochProgress): missing field 'record'`. Any of these
/// errors closes the connection (docs/worker-protocol.md, "Error handling").
public enum ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The part of a frame the stream ended in.
    public enum FrameSection: String, Hashable, Sendable {
        /// The 4-byte length header.
        case header
        /// The payload.
        case payload
    }

    /// A frame header announced a payload longer than the receiver's maximum.
    case frameTooLarge(frame: Int, length: Int, limit: Int)
    /// The stream ended inside a frame (a half-written frame, then disconnect).
    case truncatedFrame(frame: Int, section: FrameSection, expectedBytes: Int, receivedBytes: Int)
    /// A payload that is not a JSON object.
    case malformedPayload(frame: Int, detail: String)
    /// A JSON object without the `type` discriminator.
    case missingMessageType(frame: Int)
    /// A `type` this build does not know; `expected` lists the ones it does.
    case unknownMessageType(frame: Int, type: String, expected: [String])
    /// A required field is absent; `field` is a dotted path such as `record.epoch`.
    case missingField(frame: Int, messageType: String, field: String)
    /// A field is present but has the wrong JSON type or an unusable value.
    case invalidField(frame: Int, messageType: String, field: String, detail: String)
    /// A message could not be encoded (a non-finite number, for instance).
    case unencodable(messageType: String, detail: String)
    /// An outgoing payload exceeds the maximum frame size.
    case payloadTooLarge(length: Int, limit: Int)
    /// A report's sequence number is not above the previous report's on the same connection
    /// (they must strictly increase, docs/worker-protocol.md).
    case sequenceNotIncreasing(frame: Int, messageType: String, sequence: UInt64, previous: UInt64)

    /// A one-line explanation naming the frame, message type and field.
    public var description: String {
        switch self {
        case .frameTooLarge(let frame, let length, let limit):
            return "frame \(frame): length \(length) bytes exceeds the maximum frame size of \(limit) bytes"
        case .truncatedFrame(let frame, let section, let expected, let received):
            return "frame \(frame): connection closed after \(received) of \(expected) \(section.rawValue) bytes"
                + " (half-written frame)"
        case .malformedPayload(let frame, let detail):
            return "frame \(frame): payload is not a JSON object: \(detail)"
        case .missingMessageType(let frame):
            return "frame \(frame): missing field 'type'"
        case .unknownMessageType(let frame, let type, let expected):
            return "frame \(frame): unknown message type '\(type)' (expected one of: "
                + expected.joined(separator: ", ") + ")"
        case .missingField(let frame, let messageType, let field):
            return "frame \(frame) (\(messageType)): missing field '\(field)'"
        case .invalidField(let frame, let messageType, let field, let detail):
            return "frame \(frame) (\(messageType)): invalid field '\(field)': \(detail)"
        case .unencodable(let messageType, let detail):
            return "cannot encode \(messageType) message: \(detail)"
        case .payloadTooLarge(let length, let limit):
            return "message of \(length) bytes exceeds the maximum frame size of \(limit) bytes"
        case .sequenceNotIncreasing(let frame, let messageType, let sequence, let previous):
            return "frame \(frame) (\(messageType)): sequence number \(sequence) does not follow \(previous); "
                + "report sequence numbers must strictly increase"
        }
    }
}
