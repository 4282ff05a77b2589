import Synchronization

/// Counts a listener's open connections, in all and per peer address, and refuses one that would
/// go over either limit — so that one host (or a flood of connections) cannot use up the daemon's
/// file descriptors and memory while the others are served.
public final class ConnectionLimiter: Sendable {
    /// The limits of one listener.
    public struct Limits: Hashable, Sendable {
        /// Open connections in all.
        public var total: Int
        /// Open connections from one address (the peer's host, without its port).
        public var perPeer: Int

        /// Creates limits.
        public init(total: Int, perPeer: Int) {
            self.total = max(1, total)
            self.perPeer = max(1, perPeer)
        }

        /// The worker port's defaults: room for 512 worker processes on one host (a load test
        /// simulating many workers) and 1,024 in all.
        public static let workerPort = Limits(total: 1024, perPeer: 512)
        /// The control socket's defaults (every client is local).
        public static let controlSocket = Limits(total: 64, perPeer: 64)
    }

    private struct Counts {
        var total = 0
        var perPeer: [String: Int] = [:]
    }

    /// The limits applied.
    public let limits: Limits
    private let counts = Mutex(Counts())

    /// Creates a limiter with no connection open.
    public init(limits: Limits) {
        self.limits = limits
    }

    /// Counts a new connection from `peer`, or says why it is refused (nothing is counted then).
    ///
    /// - Parameter peer: The peer's address as `SocketConnection.peer` gives it
    ///   (`10.0.0.7:53422`, `[::1]:53422`, `unix`).
    /// - Returns: nil when admitted (call `release(peer:)` when it closes); else the reason.
    public func admit(peer: String) -> String? {
        let host = Self.host(of: peer)
        return counts.withLock { counts -> String? in
            if counts.total >= limits.total {
                return "\(counts.total) connections are open, the limit"
            }
            let fromHost = counts.perPeer[host, default: 0]
            if fromHost >= limits.perPeer {
                return "\(fromHost) connections from \(host) are open, the limit per address"
            }
            counts.total += 1
            counts.perPeer[host] = fromHost + 1
            return nil
        }
    }

    /// Forgets an admitted connection that closed.
    public func release(peer: String) {
        let host = Self.host(of: peer)
        counts.withLock { counts in
            counts.total -= 1
            let remaining = counts.perPeer[host, default: 1] - 1
            counts.perPeer[host] = remaining > 0 ? remaining : nil
        }
    }

    /// The number of connections open now.
    public var openConnections: Int { counts.withLock { $0.total } }

    /// `10.0.0.7` for `10.0.0.7:53422`, `[::1]` for `[::1]:53422`, `unix` for `unix`.
    static func host(of peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":"), !peer.hasSuffix("]") else { return peer }
        return String(peer[..<colon])
    }
}
