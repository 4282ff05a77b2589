/// One complete frame taken off the wire: its payload without the 4-byte length header.
public struct Frame: Hashable, Sendable {
    /// The frame's position on its connection, starting at 1; error messages name it.
    public var index: Int
    /// The payload bytes (a compact JSON object for every message type).
    public var payload: [UInt8]

    /// Creates a frame.
    ///
    /// - Parameters:
    ///   - index: The frame's 1-based position on its connection.
    ///   - payload: The payload bytes.
    public init(index: Int, payload: [UInt8]) {
        self.index = index
        self.payload = payload
    }
}
