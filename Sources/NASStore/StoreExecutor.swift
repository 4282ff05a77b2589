import Dispatch
import Foundation

/// Owns a `RunStore` on its own serial dispatch queue and offers it to async code.
///
/// Every call hops to the queue and back through a continuation (GRDB's queue-backed writer), so
/// no `sqlite3_step` ever blocks a thread of Swift's cooperative pool, and the one connection is
/// used by one thread at a time. Cancelling the calling task before its work starts skips the work
/// (`CancellationError`); cancelling it while the work runs interrupts SQLite (`sqlite3_interrupt`),
/// which rolls back the open transaction and throws a `DatabaseError` with `isInterrupted`.
///
/// `@unchecked Sendable`: `store` is only touched on `queue` (set once in `init`, cleared by
/// `close()` on the queue), and the `RunStore` it holds never leaves the queue except as the
/// argument of a closure that runs on the queue.
public final class StoreExecutor: @unchecked Sendable {
    private let queue: DispatchQueue
    private var store: RunStore?
    private let interruptHandle: InterruptHandle
    /// The request whose work is running on the queue (read by SQLite's progress handler).
    private let activeRequest = ActiveRequestSlot()

    /// Takes ownership of an open store.
    ///
    /// - Parameters:
    ///   - store: The store; it is used only on this executor's queue from now on.
    ///   - label: The dispatch queue's label (shown in debuggers and crash logs).
    public init(_ store: sending RunStore, label: String = "nasd.store") {
        self.queue = DispatchQueue(label: label, qos: .userInitiated)
        self.interruptHandle = store.database.interruptHandle
        let activeRequest = self.activeRequest
        store.database.setInterruptCheck { activeRequest.request?.isCancelledNow ?? false }
        self.store = store
    }

    /// Opens (or creates) the store in `runDirectory` on a fresh executor's queue.
    ///
    /// The open runs the integrity check and migrations, which read the whole file; doing it on the
    /// executor's queue keeps that off the cooperative pool.
    ///
    /// - Throws: Whatever `RunStore.init` throws.
    public static func open(
        runDirectory: URL, mode: Database.OpenMode = .createIfMissing,
        configuration: Database.Configuration = Database.Configuration(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> StoreExecutor {
        let opener = DispatchQueue(label: "nasd.store.open")
        return try await withCheckedThrowingContinuation { continuation in
            opener.async {
                continuation.resume(
                    with: Result {
                        let store = try RunStore(
                            runDirectory: runDirectory, mode: mode, configuration: configuration, clock: clock)
                        return StoreExecutor(store)
                    })
            }
        }
    }

    /// Runs `body` with the store on the executor's queue and returns its result.
    ///
    /// - Parameter body: The work. It runs on the queue; it must not let the store escape.
    /// - Returns: What `body` returned.
    /// - Throws: `CancellationError` if the task was cancelled before the work started;
    ///   `RunStoreError.closed` after `close()`; otherwise what `body` threw.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (RunStore) throws -> T) async throws -> T {
        let request = PendingRequest(interruptHandle: interruptHandle)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                queue.async {
                    continuation.resume(
                        with: Result {
                            guard let store = self.store else { throw RunStoreError.closed }
                            guard request.begin() else { throw CancellationError() }
                            self.activeRequest.request = request
                            defer {
                                self.activeRequest.request = nil
                                request.end()
                            }
                            return try body(store)
                        })
                }
            }
        } onCancel: {
            request.cancel()
        }
    }

    /// Closes the store once the work queued before this call has run.
    ///
    /// Later calls throw `RunStoreError.closed`. Closing checkpoints the WAL into the main file.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.store = nil
                continuation.resume()
            }
        }
    }
}

/// The request running on an executor's queue.
///
/// `@unchecked Sendable`: `request` is written and read only on the executor's queue (the progress
/// handler that reads it runs inside `sqlite3_step`, on that queue).
private final class ActiveRequestSlot: @unchecked Sendable {
    var request: PendingRequest?
}

/// One call's cancellation state, shared between the calling task and the executor's queue.
///
/// `@unchecked Sendable`: all state is read and written under `lock`. The interrupt is issued only
/// while the request's work is running, so it never interrupts another caller's work.
private final class PendingRequest: @unchecked Sendable {
    private let lock = NSLock()
    private let interruptHandle: InterruptHandle
    private var isCancelled = false
    private var isRunning = false

    init(interruptHandle: InterruptHandle) {
        self.interruptHandle = interruptHandle
    }

    /// Marks the work as started; `false` when it was cancelled first.
    func begin() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if isCancelled { return false }
        isRunning = true
        return true
    }

    /// Whether the calling task has been cancelled (asked by SQLite's progress handler).
    var isCancelledNow: Bool {
        lock.lock()
        defer { lock.unlock() }
        return isCancelled
    }

    func end() {
        lock.lock()
        defer { lock.unlock() }
        isRunning = false
    }

    func cancel() {
        lock.lock()
        defer { lock.unlock() }
        isCancelled = true
        if isRunning { interruptHandle.interrupt() }
    }
}
