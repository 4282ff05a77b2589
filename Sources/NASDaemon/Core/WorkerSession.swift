import Foundation
import NASProtocol

/// A worker that completed the handshake, as the daemon sees it.
struct WorkerSession {
    var connection: ConnectionID
    var workerID: String
    var hostname: String
    var slots: Int
    var gpus: [Int]
    var version: String
    var connectedAt: Date
    /// Jobs occupying a slot on the worker, as `run/job` keys: assigned or re-attached, until the
    /// worker reports their end.
    var busy: Set<String> = []
    /// Jobs the daemon already asked the worker to stop (so a stop is sent once).
    var stopping: Set<String> = []

    var freeSlots: Int { max(0, slots - busy.count) }

    static func key(run: String, job: String) -> String { "\(run)/\(job)" }
}
