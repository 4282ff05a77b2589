import Foundation
import NASSystem

extension WorkerRuntime {
    /// Everything `nasd worker` is told on its command line, and the timing knobs tests shorten.
    public struct Options: Sendable {
        /// The daemon's worker endpoint (`--connect HOST:PORT`).
        public var daemon: SocketEndpoint
        /// The daemon's shared secret (the contents of `--token-file`).
        public var token: String
        /// A stable identifier of this worker process, kept across reconnects (`--id`).
        public var workerID: String
        /// The host name sent in hello.
        public var hostname: String
        /// How many trials run at once (`--slots`).
        public var slots: Int
        /// The GPU indices handed out to slots (`--gpus`); see `gpus(forSlot:)`.
        public var gpus: [Int]
        /// The software version sent in hello.
        public var workerVersion: String
        /// Stop reconnecting (and fail) after this long without a session (`--give-up-after`);
        /// `nil` retries forever.
        public var giveUpAfter: Duration?
        /// The first reconnect delay; doubles up to `maximumReconnectDelay`.
        public var initialReconnectDelay: Duration
        /// The longest reconnect delay.
        public var maximumReconnectDelay: Duration
        /// How long one TCP connect and the wait for the daemon's answer to hello may take.
        public var connectTimeout: Duration
        /// SIGTERM-to-SIGKILL time for external trainers on `shutdown`, on re-attach losses and
        /// on cancellation of `run()`.
        public var shutdownGrace: Duration
        /// How long, on `shutdown`, the worker waits for the daemon to acknowledge what it
        /// still has buffered before exiting.
        public var flushTimeout: Duration
        /// How often buffered trainer log lines are sent.
        public var logFlushInterval: Duration
        /// Log lines kept per trial between two sends, or while they cannot be sent (older ones are
        /// dropped, and the next batch says how many and why); at most 128 KiB of them.
        public var maximumBufferedLogLines: Int

        /// Creates options with the defaults of `nasd worker`.
        ///
        /// - Parameters:
        ///   - daemon: the daemon's worker endpoint.
        ///   - token: the daemon's shared secret.
        ///   - workerID: this worker's stable identifier (see `defaultWorkerID()`).
        ///   - slots: trials at once, at least 1.
        ///   - gpus: the GPU indices to hand out (none by default).
        ///   - workerVersion: the software version for hello.
        public init(
            daemon: SocketEndpoint, token: String, workerID: String = Options.defaultWorkerID(), slots: Int,
            gpus: [Int] = [], workerVersion: String
        ) {
            self.daemon = daemon
            self.token = token
            self.workerID = workerID
            self.hostname = Options.currentHostname()
            self.slots = slots
            self.gpus = gpus
            self.workerVersion = workerVersion
            self.giveUpAfter = nil
            self.initialReconnectDelay = .milliseconds(100)
            self.maximumReconnectDelay = .seconds(5)
            self.connectTimeout = .seconds(10)
            self.shutdownGrace = .seconds(10)
            self.flushTimeout = .seconds(5)
            self.logFlushInterval = .milliseconds(200)
            self.maximumBufferedLogLines = 1000
        }

        /// The GPUs of one slot, for its trainers' `CUDA_VISIBLE_DEVICES`.
        ///
        /// With at least as many GPUs as slots, each slot gets its own contiguous share
        /// (`--gpus 0,1,2,3 --slots 2`: slot 0 gets 0,1 and slot 1 gets 2,3; a remainder goes to
        /// the first slots). With fewer GPUs than slots, slots share them round-robin
        /// (`--gpus 0,1 --slots 4`: 0, 1, 0, 1). No GPUs: empty.
        public func gpus(forSlot slot: Int) -> [Int] {
            guard !gpus.isEmpty, slots > 0, slot >= 0, slot < slots else { return [] }
            guard gpus.count >= slots else { return [gpus[slot % gpus.count]] }
            let share = gpus.count / slots
            let remainder = gpus.count % slots
            let start = slot * share + min(slot, remainder)
            let count = share + (slot < remainder ? 1 : 0)
            return Array(gpus[start..<(start + count)])
        }

        /// Checks the options describe a worker.
        ///
        /// - Throws: `WorkerError.invalidOptions` naming the problem.
        public func validate() throws(WorkerError) {
            guard slots >= 1 else { throw .invalidOptions("--slots must be at least 1 (found \(slots))") }
            guard gpus.allSatisfy({ $0 >= 0 }) else { throw .invalidOptions("GPU indices must be non-negative") }
            guard !workerID.isEmpty else { throw .invalidOptions("the worker ID is empty") }
            guard !token.isEmpty else { throw .invalidOptions("the token is empty") }
        }

        /// `<hostname>-<pid>`: unique among the live workers of a cluster, stable for the life of
        /// the process (which is what re-attaching needs).
        public static func defaultWorkerID() -> String {
            "\(currentHostname())-\(ProcessInfo.processInfo.processIdentifier)"
        }

        /// This host's name.
        public static func currentHostname() -> String {
            ProcessInfo.processInfo.hostName
        }

        /// Reads the daemon's token from a file (`--token-file`), trimming whitespace.
        ///
        /// - Throws: `WorkerError.unreadableTokenFile` when it cannot be read or is empty.
        public static func readToken(fromFile path: String) throws(WorkerError) -> String {
            let bytes: [UInt8]
            do {
                bytes = try AtomicFile.read(path, limit: 64 * 1024)
            } catch {
                throw .unreadableTokenFile(path: path, reason: error.message)
            }
            let token = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw .unreadableTokenFile(path: path, reason: "the file is empty") }
            return token
        }
    }
}
