import Dispatch
import NASSystem

/// The stop, cancel and exit bookkeeping of one `ProcessTrainer` run, shared by the task reading
/// the trainer's output, the task that signals its process group and whoever asks it to stop.
///
/// The first request starts the termination (SIGTERM to the group); a later request may only
/// bring the SIGKILL deadline closer. Requests made before the process starts are kept and
/// honoured as soon as it does.
final class ProcessTermination: Sendable {
    /// Why the process group is being terminated.
    enum Cause: Hashable, Sendable {
        /// `report` answered `.stop`, or `ProcessTrainer.requestStop` was called.
        case stop
        /// The calling task was cancelled.
        case cancel
        /// The trainer broke the line channel's rules.
        case protocolViolation
    }

    private struct State {
        var cause: Cause?
        var killDeadline: Duration?
        var isFinished = false
        var waiter: CheckedContinuation<Bool, Never>?
        var exitStatus: ExitStatus?
        var logTail: [String] = []
    }

    private let state = Locked(State())

    /// Starts a new run: forgets what a finished earlier run left, keeps a pending request.
    func begin() {
        state.withLock { state in
            if state.isFinished {
                state = State()
            }
        }
    }

    /// Asks for the process group to be terminated, with SIGKILL `grace` after now.
    func request(_ cause: Cause, grace: Duration) {
        let deadline = monotonicNow() + grace
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            switch (state.cause, cause) {
            case (nil, _):
                state.cause = cause
            case (.stop?, .cancel):
                // The caller is going away: it expects `.cancelled`, not a stopped trial.
                state.cause = .cancel
            default:
                break
            }
            state.killDeadline = min(state.killDeadline ?? deadline, deadline)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// The first cause requested, if any.
    var cause: Cause? { state.withLock { $0.cause } }

    /// When the group gets SIGKILL, once a termination was requested.
    var killDeadline: Duration? { state.withLock { $0.killDeadline } }

    /// Waits, ignoring task cancellation, until a termination is requested (`true`) or the run
    /// finishes without one (`false`).
    func waitForRequest() async -> Bool {
        await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { state in
                if state.cause != nil { return true }
                if state.isFinished { return false }
                state.waiter = continuation
                return nil
            }
            if let answer {
                continuation.resume(returning: answer)
            }
        }
    }

    /// Records how the run ended and wakes a waiter that still waits for a request.
    func finish(exitStatus: ExitStatus?, logTail: [String]) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.isFinished = true
            state.exitStatus = exitStatus
            state.logTail = logTail
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }

    /// How the last finished run's process ended (`nil` when it never started).
    var exitStatus: ExitStatus? { state.withLock { $0.exitStatus } }

    /// The last output lines of the last finished run.
    var logTail: [String] { state.withLock { $0.logTail } }

    /// Sleeps for `duration` even in a cancelled task: the termination of a trainer must run to
    /// its end when the task that owns the trainer is being cancelled.
    static func sleepIgnoringCancellation(_ duration: Duration) async {
        let nanoseconds = max(
            0,
            duration.components.seconds * 1_000_000_000
                + duration.components.attoseconds / 1_000_000_000)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                continuation.resume()
            }
        }
    }
}
