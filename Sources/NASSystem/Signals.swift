import Foundation
import Glibc

/// The write end of the signal self-pipe, read by the C signal handler.
///
/// `nonisolated(unsafe)`: written once, under `SignalRelay`'s lock, before any handler that
/// reads it is installed; a signal handler may only touch async-signal-safe state like this.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The C signal handler: writes the signal number into the self-pipe (async-signal-safe).
private func relaySignal(_ signal: Int32) {
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalPipeWriteEnd, &byte, 1)
    errno = savedErrno
}

/// Process-wide signal handling.
public enum Signals {
    /// Ignores SIGPIPE, so a write to a closed socket or pipe fails with `EPIPE` instead of
    /// killing the process. Call it first thing in `main`.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Delivers the given signals as an async stream instead of their default action.
    ///
    /// A handler writes each signal into a self-pipe read by a dedicated thread. While at least
    /// one stream for a signal is alive, that signal no longer terminates the process; when the
    /// last one ends, the default action is restored.
    ///
    /// - Parameter signals: The signals to catch (default SIGTERM and SIGINT).
    /// - Returns: The signal numbers, in arrival order.
    /// - Throws: `SystemError` when the self-pipe cannot be created.
    public static func stream(of signals: [Int32] = [SIGTERM, SIGINT]) throws(SystemError) -> AsyncStream<Int32> {
        try SignalRelay.shared.subscribe(to: signals)
    }
}

/// Fans the self-pipe's signals out to the subscribed streams.
final class SignalRelay: Sendable {
    private struct Subscription {
        var signals: Set<Int32>
        var continuation: AsyncStream<Int32>.Continuation
    }

    private struct State {
        var isStarted = false
        var nextID = 0
        var subscriptions: [Int: Subscription] = [:]
    }

    static let shared = SignalRelay()
    private let state = Locked(State())

    func subscribe(to signals: [Int32]) throws(SystemError) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let subscribed = state.withLock { state -> Result<Int, SystemError> in
            if !state.isStarted {
                do throws(SystemError) {
                    try start()
                } catch {
                    return .failure(error)
                }
                state.isStarted = true
            }
            let id = state.nextID
            state.nextID += 1
            state.subscriptions[id] = Subscription(signals: Set(signals), continuation: continuation)
            for number in signals {
                var action = sigaction()
                action.__sigaction_handler.sa_handler = { relaySignal($0) }
                action.sa_flags = SA_RESTART
                sigemptyset(&action.sa_mask)
                sigaction(number, &action, nil)
            }
            return .success(id)
        }
        let id = try subscribed.get()
        continuation.onTermination = { [self] _ in
            unsubscribe(id)
        }
        return stream
    }

    private func unsubscribe(_ id: Int) {
        state.withLock { state in
            guard let removed = state.subscriptions.removeValue(forKey: id) else { return }
            let stillWanted = state.subscriptions.values.reduce(into: Set<Int32>()) { $0.formUnion($1.signals) }
            for number in removed.signals where !stillWanted.contains(number) {
                signal(number, SIG_DFL)
            }
        }
    }

    /// Creates the self-pipe and its reader thread; called once, under the lock.
    private func start() throws(SystemError) {
        let pipe = try FileDescriptor.makePipe()
        signalPipeWriteEnd = try pipe.writeEnd.withRawDescriptor("signal pipe") { $0 }
        let keepOpen = pipe.writeEnd
        let reader = Thread { [self] in
            withExtendedLifetime(keepOpen) {
                while let bytes = try? pipe.readEnd.read(upToCount: 64), !bytes.isEmpty {
                    for byte in bytes {
                        deliver(Int32(byte))
                    }
                }
            }
        }
        reader.name = "nasd-signals"
        reader.start()
    }

    private func deliver(_ number: Int32) {
        let targets = state.withLock { state in
            state.subscriptions.values.filter { $0.signals.contains(number) }.map(\.continuation)
        }
        for continuation in targets {
            continuation.yield(number)
        }
    }
}
