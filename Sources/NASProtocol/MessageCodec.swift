import Foundation
import NASCore

/// Encodes messages into frames and decodes frames into messages.
///
/// The payload is compact JSON with sorted keys (stable bytes for equal messages). Decoding maps
/// every failure to a `ProtocolError` that names the frame, the message type and the field.
public struct MessageCodec: Sendable {
    /// The largest payload this codec emits, in bytes.
    public var maximumFrameSize: Int

    /// Creates a codec.
    ///
    /// - Parameter maximumFrameSize: The largest payload emitted (default 1 MiB).
    public init(maximumFrameSize: Int = Framing.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Encodes a message into its JSON payload (no header).
    ///
    /// - Throws: `ProtocolError.unencodable` (for instance a NaN metric).
    public func encodePayload<Message: WireMessage>(_ message: Message) throws(ProtocolError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(message))
        } catch {
            throw .unencodable(messageType: message.messageType, detail: String(describing: error))
        }
    }

    /// Encodes a message into a complete frame: the length header followed by the JSON payload.
    ///
    /// - Throws: `ProtocolError.unencodable` or `ProtocolError.payloadTooLarge`.
    public func encodeFrame<Message: WireMessage>(_ message: Message) throws(ProtocolError) -> [UInt8] {
        try Framing.frame(encodePayload(message), maximumFrameSize: maximumFrameSize)
    }

    /// Decodes a frame's payload as a message of the given family.
    ///
    /// - Parameters:
    ///   - type: The message family expected on this connection.
    ///   - frame: The frame, whose index appears in error messages.
    /// - Throws: `ProtocolError` naming the frame, the message type and the field.
    public func decode<Message: WireMessage>(
        _ type: Message.Type, from frame: Frame
    ) throws(ProtocolError) -> Message {
        try decode(type, payload: frame.payload, frameIndex: frame.index)
    }

    /// Decodes a payload as a message of the given family.
    ///
    /// - Parameters:
    ///   - type: The message family expected.
    ///   - payload: The JSON bytes.
    ///   - frameIndex: The frame's 1-based index, for error messages.
    /// - Throws: `ProtocolError` naming the frame, the message type and the field.
    public func decode<Message: WireMessage>(
        _ type: Message.Type, payload: [UInt8], frameIndex: Int
    ) throws(ProtocolError) -> Message {
        let data = Data(payload)
        do {
            return try JSONDecoder().decode(Message.self, from: data)
        } catch let failure as MessageDecodingFailure {
            switch failure {
            case .unknownType(let name):
                throw .unknownMessageType(frame: frameIndex, type: name, expected: Message.messageTypes)
            case .invalidPayload(let name, let underlying):
                throw Self.protocolError(underlying, frame: frameIndex, messageType: name)
            }
        } catch let error as DecodingError {
            throw Self.envelopeError(error, frame: frameIndex, data: data)
        } catch {
            throw .malformedPayload(frame: frameIndex, detail: String(describing: error))
        }
    }

    /// Maps a failure before the `type` was known: not JSON, not an object, or no `type`.
    private static func envelopeError(_ error: DecodingError, frame: Int, data: Data) -> ProtocolError {
        switch error {
        case .keyNotFound(let key, let context) where context.codingPath.isEmpty && key.stringValue == "type":
            return .missingMessageType(frame: frame)
        case .typeMismatch(_, let context) where context.codingPath.last?.stringValue == "type":
            return .invalidField(frame: frame, messageType: "?", field: "type", detail: "expected a string")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedPayload(frame: frame, detail: JSONInputError(decoding: error, data: data).message)
        case .dataCorrupted(let context):
            return .malformedPayload(frame: frame, detail: describe(context))
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context):
            return .malformedPayload(frame: frame, detail: describe(context))
        @unknown default:
            return .malformedPayload(frame: frame, detail: String(describing: error))
        }
    }

    /// Maps a failure inside a message body to a field-level error.
    private static func protocolError(_ error: DecodingError, frame: Int, messageType: String) -> ProtocolError {
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(frame: frame, messageType: messageType, field: path(context.codingPath + [key]))
        case .valueNotFound(_, let context):
            return .missingField(frame: frame, messageType: messageType, field: path(context.codingPath))
        case .typeMismatch(let expected, let context):
            return .invalidField(
                frame: frame, messageType: messageType, field: path(context.codingPath),
                detail: "expected \(jsonTypeName(expected))")
        case .dataCorrupted(let context):
            return .invalidField(
                frame: frame, messageType: messageType, field: path(context.codingPath),
                detail: context.debugDescription)
        @unknown default:
            return .malformedPayload(frame: frame, detail: String(describing: error))
        }
    }

    /// A dotted path such as `record.metrics.loss` or `inFlight[0].jobID`.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        JSONInputError.codingPathText(codingPath, root: "(root)")
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        if let underlying = context.underlyingError {
            return "\(context.debugDescription) (\(underlying))"
        }
        return context.debugDescription
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is [Any].Type: return "an array"
        default: return "\(type)"
        }
    }
}
