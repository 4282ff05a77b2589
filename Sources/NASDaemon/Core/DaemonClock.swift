import Foundation
import NASSystem

/// The two clocks the daemon core reads: the wall clock for what people and files see (store
/// timestamps, `end.deadline`, archive names) and the monotonic clock for every duration it
/// measures (leases, heartbeats, handshakes, timeouts), so that a step of the wall clock (NTP, a
/// suspended VM, an operator's `date -s`) never expires a lease or times a trial out.
public struct DaemonClock: Sendable {
    /// The wall clock.
    public var wall: @Sendable () -> Date
    /// Seconds since an arbitrary fixed point that never jumps.
    public var monotonic: @Sendable () -> Double

    /// Creates a clock from its two sources.
    public init(wall: @escaping @Sendable () -> Date, monotonic: @escaping @Sendable () -> Double) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// The system's clocks (`Date()` and `CLOCK_MONOTONIC`).
    public static let system = DaemonClock(
        wall: { Date() },
        monotonic: {
            let elapsed = monotonicNow().components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        })

    /// Both clocks driven by one source, for tests that move time by hand (the monotonic clock is
    /// the source's seconds since 1970).
    public static func following(_ source: @escaping @Sendable () -> Date) -> DaemonClock {
        DaemonClock(wall: source, monotonic: { source().timeIntervalSince1970 })
    }

    /// Both clocks read the time now.
    func read() -> Moment { Moment(wall: wall(), elapsed: monotonic()) }
}

/// One reading of both clocks: the time a batch of events is handled at.
public struct Moment: Sendable, Hashable {
    /// Wall-clock time.
    public var wall: Date
    /// Monotonic seconds (only differences between them mean anything).
    public var elapsed: Double
}
