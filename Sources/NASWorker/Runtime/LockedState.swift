import Foundation

/// A value behind a lock, for state that threads and tasks share without an actor (the output
/// readers of a trainer process, the log batches of every trial).
///
/// `@unchecked Sendable`: every access to `value` goes through `withLock`, which holds `lock`.
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
