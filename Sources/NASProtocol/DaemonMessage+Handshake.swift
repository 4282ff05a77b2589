extension DaemonMessage {
    /// The daemon's answer to an accepted hello.
    public struct Welcome: Hashable, Sendable, Codable {
        /// The worker protocol version the daemon speaks (equal to the worker's).
        public var protocolVersion: Int
        /// The daemon's software version.
        public var daemonVersion: String
        /// Seconds between the worker's heartbeats.
        public var heartbeatInterval: Double
        /// Seconds of silence after which the daemon expires the worker's leases and requeues its jobs.
        public var leaseTimeout: Double
        /// The jobs from the hello's `inFlight` list that stay with this worker. The worker stops
        /// (SIGTERM, then SIGKILL) every other trial it was running: its lease has moved on.
        public var reattachedJobIDs: [String]

        /// Creates a welcome.
        public init(
            protocolVersion: Int = ProtocolVersion.current, daemonVersion: String, heartbeatInterval: Double,
            leaseTimeout: Double, reattachedJobIDs: [String] = []
        ) {
            self.protocolVersion = protocolVersion
            self.daemonVersion = daemonVersion
            self.heartbeatInterval = heartbeatInterval
            self.leaseTimeout = leaseTimeout
            self.reattachedJobIDs = reattachedJobIDs
        }
    }

    /// Why the daemon refused a hello.
    public struct Refusal: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The kind of refusal, for programs.
        public enum Code: String, Hashable, Sendable, Codable {
            /// The worker speaks another protocol version.
            case versionMismatch
            /// The token does not match the daemon's.
            case badToken
            /// The first frame was not a valid hello.
            case malformedHello
            /// The daemon is draining or shutting down and takes no new workers.
            case shuttingDown
            /// Another connection already uses this worker ID.
            case duplicateWorker
            /// The daemon has as many worker connections open as it allows (in all or from the
            /// worker's address); retry later.
            case tooManyConnections
        }

        /// The kind of refusal.
        public var code: Code
        /// The explanation shown to the worker's operator.
        public var message: String
        /// The daemon's protocol version (set on every refusal so the worker can log it).
        public var daemonProtocolVersion: Int
        /// The worker's protocol version, as read from its hello (when it could be read).
        public var workerProtocolVersion: Int?

        /// Creates a refusal.
        public init(
            code: Code, message: String, daemonProtocolVersion: Int = ProtocolVersion.current,
            workerProtocolVersion: Int? = nil
        ) {
            self.code = code
            self.message = message
            self.daemonProtocolVersion = daemonProtocolVersion
            self.workerProtocolVersion = workerProtocolVersion
        }

        /// A version-mismatch refusal that names both versions.
        ///
        /// - Parameters:
        ///   - daemon: The daemon's protocol version.
        ///   - worker: The worker's protocol version.
        ///   - daemonVersion: The daemon's software version, for the message.
        ///   - workerVersion: The worker's software version, for the message.
        public static func versionMismatch(
            daemon: Int, worker: Int, daemonVersion: String, workerVersion: String
        ) -> Refusal {
            Refusal(
                code: .versionMismatch,
                message: "protocol version mismatch: daemon \(daemonVersion) speaks worker protocol \(daemon), "
                    + "worker \(workerVersion) speaks \(worker); run the same nasd version on both",
                daemonProtocolVersion: daemon, workerProtocolVersion: worker)
        }

        /// A bad-token refusal; it never echoes either token.
        ///
        /// - Parameter workerProtocolVersion: The worker's protocol version from its hello.
        public static func badToken(workerProtocolVersion: Int?) -> Refusal {
            Refusal(
                code: .badToken,
                message: "the token does not match the daemon's; pass --token-file with the daemon's state-dir token",
                workerProtocolVersion: workerProtocolVersion)
        }

        /// The message, prefixed with the code.
        public var description: String { "\(code.rawValue): \(message)" }
    }
}
