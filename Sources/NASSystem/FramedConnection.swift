import Dispatch
import Foundation
import NASProtocol

/// A socket that speaks length-prefixed frames to async code without blocking the cooperative
/// thread pool.
///
/// A dedicated reader thread reads the socket, feeds a `FrameDecoder` and delivers frames to
/// `frames`, at most `window` frames ahead of the consumer (it blocks, not the pool, when the
/// consumer lags). Sends are serialized on a private dispatch queue, in the order they were
/// called, and resume the caller when the bytes are written.
///
/// The frame sequence ends normally when the peer closes at a frame boundary or after `close()`,
/// and throws `ProtocolError` (oversized frame, half-written frame) or `SystemError` (reset).
/// When the reader stops, for any reason, it closes the socket: a connection is single use.
public final class FramedConnection: Sendable {
    /// The underlying socket.
    public let connection: SocketConnection
    /// The frames received; iterate it once.
    public let frames: Frames
    private let writes: DispatchQueue
    private let isClosedLocally = Locked(false)

    /// The frames arriving on a connection.
    public struct Frames: AsyncSequence, Sendable {
        public typealias Element = Frame
        fileprivate let stream: AsyncThrowingStream<Frame, any Error>
        fileprivate let credits: DispatchSemaphore

        /// Iterates the frames; each frame taken lets the reader read one more.
        public struct AsyncIterator: AsyncIteratorProtocol {
            fileprivate var base: AsyncThrowingStream<Frame, any Error>.AsyncIterator
            fileprivate let credits: DispatchSemaphore

            /// The next frame, or `nil` when the connection ended cleanly.
            public mutating func next() async throws -> Frame? {
                let frame = try await base.next()
                if frame != nil {
                    credits.signal()
                }
                return frame
            }
        }

        /// Makes the iterator.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: stream.makeAsyncIterator(), credits: credits)
        }
    }

    /// Starts reading a connection.
    ///
    /// - Parameters:
    ///   - connection: A connected socket; this object owns it from now on.
    ///   - maximumFrameSize: The largest payload accepted (default 1 MiB).
    ///   - window: How many received frames may wait for the consumer.
    ///   - sendTimeout: How long one send may block on a peer that does not read.
    public init(
        _ connection: SocketConnection, maximumFrameSize: Int = Framing.defaultMaximumFrameSize, window: Int = 64,
        sendTimeout: Duration = .seconds(30)
    ) {
        self.connection = connection
        self.writes = DispatchQueue(label: "nasd.framed-connection.writes")
        try? connection.setSendTimeout(sendTimeout)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Frame.self)
        // Start at zero and add the window: libdispatch traps when a semaphore is released with a
        // value below its initial one, which is the case whenever frames were read ahead and never
        // consumed (a connection dropped with frames still buffered).
        let credits = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, window) {
            credits.signal()
        }
        self.frames = Frames(stream: stream, credits: credits)
        let stopped = Locked(false)
        continuation.onTermination = { _ in
            stopped.withLock { $0 = true }
            connection.shutdown(.both)
            credits.signal()
        }
        let isClosedLocally = self.isClosedLocally
        let thread = Thread {
            Self.readLoop(
                connection: connection, decoder: FrameDecoder(maximumFrameSize: maximumFrameSize),
                continuation: continuation, credits: credits, stopped: stopped, isClosedLocally: isClosedLocally)
        }
        thread.name = "nasd-frame-reader"
        thread.start()
    }

    private static func readLoop(
        connection: SocketConnection, decoder: FrameDecoder,
        continuation: AsyncThrowingStream<Frame, any Error>.Continuation, credits: DispatchSemaphore,
        stopped: Locked<Bool>, isClosedLocally: Locked<Bool>
    ) {
        var decoder = decoder
        defer { connection.close() }
        do {
            while true {
                let chunk = try connection.read(upToCount: 64 * 1024)
                if chunk.isEmpty {
                    if !isClosedLocally.withLock({ $0 }) {
                        try decoder.finish()
                    }
                    continuation.finish()
                    return
                }
                decoder.append(chunk)
                while let frame = try decoder.nextFrame() {
                    credits.wait()
                    if stopped.withLock({ $0 }) {
                        continuation.finish()
                        return
                    }
                    continuation.yield(frame)
                }
            }
        } catch {
            if isClosedLocally.withLock({ $0 }) || stopped.withLock({ $0 }) {
                continuation.finish()
            } else {
                continuation.finish(throwing: error)
            }
        }
    }

    /// Sends bytes that are already framed (from `MessageCodec.encodeFrame`).
    ///
    /// - Throws: `SystemError` (`EPIPE`, `ECONNRESET`, `EAGAIN` after the send timeout, `EBADF`
    ///   after close).
    public func send(frameBytes bytes: [UInt8]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writes.async { [connection] in
                do {
                    try connection.write(bytes)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Encodes and sends one message.
    ///
    /// - Throws: `ProtocolError` when the message cannot be encoded, else as `send(frameBytes:)`.
    public func send<Message: WireMessage>(_ message: Message, codec: MessageCodec = MessageCodec()) async throws {
        try await send(frameBytes: codec.encodeFrame(message))
    }

    /// Closes the connection: the peer sees end of file, `frames` ends without an error, later
    /// sends fail. The socket is released when the reader thread stops.
    public func close() {
        isClosedLocally.withLock { $0 = true }
        connection.shutdown(.both)
    }
}
