import Foundation

/// One slot per task of a `DispatchQueue.concurrentPerform`, each written once by the iteration
/// that owns its index and read after the loop: the results come back in task order whatever
/// order the threads finished in.
final class IndexedResults<Value>: @unchecked Sendable {
    // Unchecked: every access to `slots` holds `lock`.
    private let lock = NSLock()
    private var slots: [Value?]

    /// `count` empty slots.
    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// Fills slot `index`.
    func store(_ value: Value, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    /// The slots, in index order (`nil` for a slot never filled).
    var all: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
