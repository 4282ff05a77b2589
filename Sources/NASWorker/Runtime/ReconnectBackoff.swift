/// The delays between attempts to reach the daemon: exponential from `initial` to `maximum`,
/// each drawn uniformly from the upper half of the current step so that a fleet of workers
/// cut off by one daemon restart does not reconnect in lockstep ("equal jitter").
struct ReconnectBackoff: Sendable {
    let initial: Duration
    let maximum: Duration
    private var step: Duration

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        step = initial
    }

    /// The next delay; the step doubles up to the maximum.
    mutating func nextDelay<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let current = step
        step = min(step * 2, maximum)
        return current / 2 + current / 2 * Double.random(in: 0...1, using: &generator)
    }

    /// Starts again from the initial delay, after a session was established.
    mutating func reset() {
        step = initial
    }
}
