import Foundation

/// Runs blocking work (a TCP connect, reading a large file) on a thread of its own, so that it
/// never occupies a thread of the cooperative pool.
enum BlockingCall {
    /// Runs `body` on a new thread and resumes with its result.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: body())
            }
            thread.name = "nasd-worker-blocking"
            thread.start()
        }
    }
}
