/// The frame format: a 4-byte big-endian payload length followed by the payload.
///
/// Every message on a worker or control connection is one frame. The length excludes the header;
/// a frame longer than the receiver's maximum is refused before its payload is buffered.
public enum Framing {
    /// The size of the length header in bytes.
    public static let headerSize = 4

    /// The default maximum payload length: 1 MiB.
    public static let defaultMaximumFrameSize = 1 << 20

    /// Prepends the length header to a payload.
    ///
    /// - Parameters:
    ///   - payload: The bytes to frame.
    ///   - maximumFrameSize: The largest payload the receiver accepts.
    /// - Returns: The header followed by the payload.
    /// - Throws: `ProtocolError.payloadTooLarge` when the payload exceeds `maximumFrameSize`, so
    ///   a sender never emits a frame its peer must reject.
    public static func frame(
        _ payload: [UInt8], maximumFrameSize: Int = defaultMaximumFrameSize
    ) throws(ProtocolError) -> [UInt8] {
        guard payload.count <= maximumFrameSize, payload.count <= Int(UInt32.max) else {
            throw .payloadTooLarge(length: payload.count, limit: maximumFrameSize)
        }
        let length = UInt32(payload.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + payload.count)
        bytes.append(UInt8(truncatingIfNeeded: length >> 24))
        bytes.append(UInt8(truncatingIfNeeded: length >> 16))
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(contentsOf: payload)
        return bytes
    }
}
