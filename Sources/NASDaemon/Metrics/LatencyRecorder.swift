import Synchronization

/// Records durations (seconds) for a Prometheus summary: a count and sum over the daemon's life,
/// and quantiles over the most recent `window` observations. Thread-safe.
public final class LatencyRecorder: Sendable {
    /// A snapshot of what was recorded.
    public struct Summary: Codable, Hashable, Sendable {
        public var count: Int
        public var sum: Double
        /// The recent observations, sorted, for quantiles.
        public var recent: [Double]

        /// The `q`-quantile (0…1) of the recent observations (nearest rank), nil when none.
        public func quantile(_ q: Double) -> Double? {
            guard !recent.isEmpty else { return nil }
            let rank = Int((q * Double(recent.count)).rounded(.up)) - 1
            return recent[min(recent.count - 1, max(0, rank))]
        }

        public init(count: Int, sum: Double, recent: [Double]) {
            self.count = count
            self.sum = sum
            self.recent = recent.sorted()
        }
    }

    private struct State {
        var count = 0
        var sum = 0.0
        var ring: [Double] = []
        var next = 0
    }

    /// How many recent observations the quantiles use.
    public let window: Int
    private let state = Mutex(State())

    public init(window: Int = 1024) {
        self.window = max(1, window)
    }

    /// Records one duration.
    public func record(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        state.withLock { state in
            state.count += 1
            state.sum += seconds
            if state.ring.count < window {
                state.ring.append(seconds)
            } else {
                state.ring[state.next] = seconds
            }
            state.next = (state.next + 1) % window
        }
    }

    /// What was recorded so far.
    public var summary: Summary {
        state.withLock { Summary(count: $0.count, sum: $0.sum, recent: $0.ring) }
    }
}
