import Foundation
import Glibc
import NASSystem

/// A TCP connection to the daemon's worker port that sends whatever bytes a test chooses: a
/// misbehaving or malicious "worker".
final class RawWorkerConnection {
    private let socket: SocketConnection

    /// Connects to 127.0.0.1:`port`; reads give up after `readTimeout` seconds without data.
    init(port: UInt16, readTimeout: Int = 10) throws {
        socket = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))
        var value = timeval(tv_sec: readTimeout, tv_usec: 0)
        try socket.descriptor.withRawDescriptor("setsockopt") { raw throws(SystemError) in
            guard setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw .fromErrno("setsockopt", context: "SO_RCVTIMEO")
            }
        }
    }

    deinit {
        socket.close()
    }

    /// One frame: the 4-byte big-endian length, then the payload.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        frameHeader(length: UInt32(payload.count)) + payload
    }

    /// A frame header announcing `length` payload bytes.
    static func frameHeader(length: UInt32) -> [UInt8] {
        [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
    }

    /// A hello frame as a worker sends it (docs/worker-protocol.md).
    static func hello(
        token: String, protocolVersion: Int = 1, workerID: String = "intruder", slots: Int = 1
    ) -> [UInt8] {
        let json = """
            {"gpus":[],"hostname":"h","inFlight":[],"protocolVersion":\(protocolVersion),"slots":\(slots),\
            "token":"\(token)","type":"hello","workerID":"\(workerID)","workerVersion":"x"}
            """
        return frame(Array(json.utf8))
    }

    /// Writes every byte (an error means the daemon already closed the connection).
    func send(_ bytes: [UInt8]) throws {
        try socket.write(bytes)
    }

    /// Half-closes the connection: the daemon reads end-of-file after what was sent.
    func finishSending() {
        socket.shutdown(.write)
    }

    /// Reads until the daemon closes the connection.
    ///
    /// - Returns: The bytes received, and whether the connection was closed (`false`: the read
    ///   timed out with the connection still open).
    func readUntilClosed() -> (bytes: [UInt8], isClosed: Bool) {
        var received: [UInt8] = []
        while true {
            do {
                let chunk = try socket.read(upToCount: 64 * 1024)
                if chunk.isEmpty { return (received, true) }
                received += chunk
            } catch {
                // ECONNRESET is a close too; EAGAIN is the read timeout.
                return (received, error.code != EAGAIN && error.code != EWOULDBLOCK)
            }
        }
    }

    /// The JSON objects of the complete frames in `bytes`.
    static func messages(in bytes: [UInt8]) -> [[String: Any]] {
        var messages: [[String: Any]] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard offset + 4 + length <= bytes.count else { break }
            let payload = Data(bytes[(offset + 4)..<(offset + 4 + length)])
            if let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] {
                messages.append(object)
            }
            offset += 4 + length
        }
        return messages
    }
}
