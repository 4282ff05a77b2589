/// The `metrics` control request's payload: the core's gauges and the event loop's ack latency.
/// `nasd metrics` adds the figures it reads from the run stores and prints `DaemonMetrics`.
public struct DaemonCounters: Codable, Hashable, Sendable {
    public var gauges: CoreGauges
    public var ackLatency: LatencyRecorder.Summary

    public init(gauges: CoreGauges, ackLatency: LatencyRecorder.Summary) {
        self.gauges = gauges
        self.ackLatency = ackLatency
    }
}
