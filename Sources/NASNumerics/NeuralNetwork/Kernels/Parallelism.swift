import Dispatch
import Foundation

/// How many threads a kernel may use.
///
/// Kernels split their work into tiles whose boundaries depend only on the problem's size, never on
/// `threadCount`, and every output element is reduced by one thread in a fixed order; the thread count
/// therefore changes only who computes a tile, and results are bit-identical for any value of it
/// (resuming a run on another machine depends on that).
public struct Parallelism: Sendable, Hashable, Codable {
    /// The most threads a kernel runs at once; 1 runs everything on the caller's thread.
    public var threadCount: Int

    /// Creates a parallelism of at most `threadCount` threads (values below 1 mean 1).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
    }

    /// Everything on the calling thread.
    public static let serial = Parallelism(threadCount: 1)

    /// One thread per active processor.
    public static var automatic: Parallelism {
        Parallelism(threadCount: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Runs `body` once for every task index in `0..<taskCount`, spreading tasks over the threads.
    ///
    /// Tasks are dealt round-robin (`task % threads`), so which thread runs a task never changes
    /// what it computes; `body` must write only to memory no other task touches.
    func forEachTask(_ taskCount: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(threadCount, taskCount)
        if workers <= 1 {
            for task in 0..<taskCount {
                body(task)
            }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var task = worker
            while task < taskCount {
                body(task)
                task += workers
            }
        }
    }
}
