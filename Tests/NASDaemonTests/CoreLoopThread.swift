import Foundation

@testable import NASDaemon

/// A core driven by an event loop on its own thread, as the daemon drives it, for tests that talk
/// to it through `DaemonControlHandler`: it performs the answers among the core's actions (control
/// replies, hosted-run snapshots) and drops the rest.
///
/// `@unchecked Sendable`: after the hand-over the core is used on the loop's thread only.
final class CoreLoopThread: @unchecked Sendable {
    let loop = EventLoop()
    private let core: DaemonCore
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the loop's thread.
    init(_ core: DaemonCore) {
        self.core = core
        Thread { [self] in
            loop.run(core: self.core) { action in
                switch action {
                case .reply(let reply, let response): reply(response)
                case .describeHostedRuns(let reply, let runs): reply(runs)
                default: break
                }
            }
            finished.signal()
        }.start()
    }

    /// Ends the loop (its thread returns after the batch in progress).
    func stop() {
        loop.post(.shutdownRequested(reason: "test over"))
    }

    /// Ends the loop and waits until its thread has returned.
    func stopAndWait() {
        stop()
        finished.wait()
    }
}
