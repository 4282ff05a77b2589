import NASSystem

/// How the worker reaches one running trial from outside its task: a stop (the daemon's
/// `stopTrial`) or a cancellation (shutdown, a lease lost while disconnected).
///
/// Requests that arrive before the trial's trainer is ready are remembered and delivered when
/// it installs its handlers.
final class TrialControl: Sendable {
    private struct State {
        var stopReason: String?
        var stopGrace: Duration?
        var isCancelled = false
        var isAbandoned = false
        var stopHandler: (@Sendable (Duration) -> Void)?
        var cancelHandler: (@Sendable () -> Void)?
    }

    private let state = Locked(State())

    /// Why the trial was asked to stop, once it was.
    var stopReason: String? { state.withLock { $0.stopReason } }

    /// Whether the trial was asked to stop.
    var isStopRequested: Bool { state.withLock { $0.stopReason != nil } }

    /// Whether the trial's task was cancelled (shutdown or abandoned).
    var isCancelled: Bool { state.withLock { $0.isCancelled } }

    /// Whether the trial lost its lease: nothing more is reported for it.
    var isAbandoned: Bool { state.withLock { $0.isAbandoned } }

    /// Asks the trial to stop: built-in trainers at the next epoch boundary, an external
    /// trainer by SIGTERM now and SIGKILL after `grace`. The first request's reason is kept.
    func stop(reason: String, grace: Duration) {
        let handler = state.withLock { state -> (@Sendable (Duration) -> Void)? in
            guard state.stopReason == nil else { return nil }
            state.stopReason = reason
            state.stopGrace = grace
            return state.stopHandler
        }
        handler?(grace)
    }

    /// Cancels the trial's task; with `abandon`, nothing more is reported for it.
    func cancel(abandon: Bool = false) {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            if abandon { state.isAbandoned = true }
            guard !state.isCancelled else { return nil }
            state.isCancelled = true
            return state.cancelHandler
        }
        handler?()
    }

    /// Installs what a stop does for this trial's trainer; runs it at once for an earlier stop.
    func onStop(_ handler: @escaping @Sendable (Duration) -> Void) {
        let pending = state.withLock { state -> Duration? in
            state.stopHandler = handler
            return state.stopReason == nil ? nil : state.stopGrace
        }
        if let pending { handler(pending) }
    }

    /// Installs what a cancellation does; runs it at once for an earlier cancellation.
    func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let pending = state.withLock { state -> Bool in
            state.cancelHandler = handler
            return state.isCancelled
        }
        if pending { handler() }
    }
}
