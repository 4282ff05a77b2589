import Glibc

/// The time since an arbitrary fixed point (boot), from `CLOCK_MONOTONIC`: never jumps with the
/// wall clock, so lease deadlines and timeouts measured with it survive clock changes.
public func monotonicNow() -> Duration {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
}
