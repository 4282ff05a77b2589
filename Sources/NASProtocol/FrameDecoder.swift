/// Turns a byte stream into frames, incrementally.
///
/// Bytes are appended as they arrive, in chunks of any size; each byte is looked at once (the
/// decoder keeps its position in the current header or payload instead of rescanning a buffer,
/// like swift-nio's `LineBasedFrameDecoder` keeps a scan offset). A header announcing a payload
/// longer than `maximumFrameSize` puts the decoder in a failed state at once: the payload is
/// never buffered, and every later byte is discarded. Frames completed before the failure are
/// still returned, in order, before the error is thrown, so feeding the same bytes one at a time
/// or all at once yields the same frames and the same error.
public struct FrameDecoder: Sendable {
    /// The largest payload accepted, in bytes.
    public let maximumFrameSize: Int

    private var headerBytes: Int = 0
    private var pendingLength: UInt32 = 0
    private var expectedLength: Int?
    private var payload: [UInt8] = []
    private var completed: [Frame] = []
    private var completedHead: Int = 0
    private var failure: ProtocolError?
    private var nextIndex: Int = 1

    /// Creates a decoder.
    ///
    /// - Parameter maximumFrameSize: The largest payload accepted (default 1 MiB).
    public init(maximumFrameSize: Int = Framing.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Whether the decoder sits between frames (no partial header or payload buffered).
    public var isAtFrameBoundary: Bool { headerBytes == 0 && expectedLength == nil }

    /// The number of frames completed so far.
    public var frameCount: Int { nextIndex - 1 }

    /// Appends bytes read from the stream.
    ///
    /// Never throws: a malformed stream is recorded and reported by `nextFrame()` after the
    /// frames that preceded it.
    ///
    /// - Parameter bytes: The next bytes of the stream, in order.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard failure == nil else { return }
        var position = bytes.startIndex
        while position != bytes.endIndex {
            if let expected = expectedLength {
                let wanted = expected - payload.count
                let end = bytes.index(position, offsetBy: wanted, limitedBy: bytes.endIndex) ?? bytes.endIndex
                payload.append(contentsOf: bytes[position..<end])
                position = end
                if payload.count == expected {
                    completeFrame()
                }
            } else {
                pendingLength = (pendingLength << 8) | UInt32(bytes[position])
                headerBytes += 1
                position = bytes.index(after: position)
                if headerBytes == Framing.headerSize {
                    guard beginPayload() else { return }
                }
            }
        }
    }

    /// Returns the next complete frame, if any.
    ///
    /// - Returns: The oldest frame not yet returned, or `nil` when more bytes are needed.
    /// - Throws: The recorded `ProtocolError.frameTooLarge` once every frame before it has been
    ///   returned; the connection cannot be resynchronised after it.
    public mutating func nextFrame() throws(ProtocolError) -> Frame? {
        if completedHead < completed.count {
            let frame = completed[completedHead]
            completedHead += 1
            if completedHead == completed.count {
                completed.removeAll(keepingCapacity: true)
                completedHead = 0
            }
            return frame
        }
        if let failure {
            throw failure
        }
        return nil
    }

    /// Checks the end of the stream.
    ///
    /// Call it when the peer closed the connection, after draining `nextFrame()`.
    ///
    /// - Throws: `ProtocolError.truncatedFrame` when the stream ended inside a header or payload
    ///   (a half-written frame), or the recorded failure.
    public func finish() throws(ProtocolError) {
        if let failure {
            throw failure
        }
        if let expected = expectedLength {
            throw .truncatedFrame(
                frame: nextIndex, section: .payload, expectedBytes: expected, receivedBytes: payload.count)
        }
        if headerBytes > 0 {
            throw .truncatedFrame(
                frame: nextIndex, section: .header, expectedBytes: Framing.headerSize, receivedBytes: headerBytes)
        }
    }

    private mutating func beginPayload() -> Bool {
        let length = Int(pendingLength)
        headerBytes = 0
        pendingLength = 0
        guard length <= maximumFrameSize else {
            failure = .frameTooLarge(frame: nextIndex, length: length, limit: maximumFrameSize)
            return false
        }
        expectedLength = length
        payload.reserveCapacity(length)
        if length == 0 {
            completeFrame()
        }
        return true
    }

    private mutating func completeFrame() {
        completed.append(Frame(index: nextIndex, payload: payload))
        nextIndex += 1
        payload = []
        expectedLength = nil
    }
}
