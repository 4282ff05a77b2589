import Foundation
import NASProtocol

/// The daemon's event loop: one thread that owns the `DaemonCore`, takes every event queued since
/// its last turn as one batch (group commit), and hands the resulting actions to the edges.
///
/// Posting is thread-safe and never blocks on the core, so socket readers and the control server
/// stay responsive while a batch commits.
public final class EventLoop: @unchecked Sendable {
    // @unchecked: `pending` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var pending: [DaemonEvent] = []
    /// When the oldest event in `pending` was posted.
    private var pendingSince: ContinuousClock.Instant?
    private var stopped = false
    private let tickInterval: Double

    /// From an event's post to the hand-over of what its batch produced (acks, assignments, replies),
    /// measured per batch for its oldest event: the latency a worker sees before its ack.
    public let ackLatency = LatencyRecorder()
    /// How long each batch took the loop itself: the core's handling (its commit included) and
    /// handing over the actions, without the wait for the batch to start. The daemon's own cost
    /// per batch, apart from the scheduling noise a loaded machine adds around it (`nasd-bench`).
    public let batchTime = LatencyRecorder(window: 1 << 16)

    public init(tickInterval: Double = 0.1) {
        self.tickInterval = tickInterval
    }

    /// Queues an event for the next batch. After the loop has exited, control requests and
    /// requests for the hosted runs are answered at once with "shutting down" and other events
    /// are dropped.
    public func post(_ event: DaemonEvent) {
        condition.lock()
        if stopped {
            condition.unlock()
            Self.refuse(event)
            return
        }
        if pending.isEmpty { pendingSince = .now }
        pending.append(event)
        condition.signal()
        condition.unlock()
    }

    private static func refuse(_ event: DaemonEvent) {
        switch event {
        case .control(_, let reply):
            reply(.error(ControlError(code: .shuttingDown, message: "the daemon is shutting down")))
        case .hostedRuns(let reply):
            reply(nil)
        default:
            break
        }
    }

    /// Runs the loop on the calling thread until the core asks to exit.
    ///
    /// - Parameters:
    ///   - core: the state machine; used from this thread only.
    ///   - perform: carries out one action (must not block for long).
    /// - Returns: why the core asked to exit.
    @discardableResult
    public func run(core: DaemonCore, perform: (DaemonAction) -> Void) -> DaemonExit {
        var lastTick = Date.distantPast
        while true {
            condition.lock()
            let wakeAt = lastTick.addingTimeInterval(tickInterval)
            while pending.isEmpty && Date() < wakeAt {
                _ = condition.wait(until: wakeAt)
            }
            var batch = pending
            let batchSince = pendingSince
            pending.removeAll(keepingCapacity: true)
            pendingSince = nil
            condition.unlock()
            if Date() >= wakeAt {
                batch.append(.tick)
                lastTick = Date()
            }
            var exit: DaemonExit?
            let handlingStarted = ContinuousClock.now
            defer {
                let handling = ContinuousClock.now - handlingStarted
                batchTime.record(
                    Double(handling.components.seconds) + Double(handling.components.attoseconds) / 1e18)
            }
            for action in core.handle(batch) {
                if case .exit(let reason) = action {
                    exit = reason
                } else {
                    perform(action)
                }
            }
            if let batchSince {
                let elapsed = ContinuousClock.now - batchSince
                ackLatency.record(
                    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            if let exit {
                condition.lock()
                stopped = true
                let unprocessed = pending
                pending.removeAll()
                condition.unlock()
                unprocessed.forEach(Self.refuse)
                return exit
            }
        }
    }
}
