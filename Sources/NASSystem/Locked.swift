import Foundation

/// A value behind a lock, shared by reference between threads and tasks (the output readers of a
/// trainer process, a listener's shutdown flag): the one such type of the package.
///
/// `@unchecked Sendable`: every access to `value` goes through `withLock`, which holds `lock`.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    /// Wraps `value`.
    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, under the lock.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
