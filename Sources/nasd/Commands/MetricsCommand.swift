import Foundation
import NASDaemon
import NASProtocol
import NASSystem

/// `nasd metrics`: the daemon's counters and gauges in the Prometheus text format, as `/metrics`
/// serves them.
enum MetricsCommand {
    static var all: [CommandSpec] { [metrics] }

    static let metrics = CommandSpec(
        ["metrics"], summary: "Print the daemon's counters and gauges (Prometheus text format).",
        options: [ControlSession.stateDirectoryOption],
        discussion: """
            The same text as the dashboard's /metrics: runs, trials by state, queue depth, workers and slots, \
            epochs spent and saved, dispatch and ack latency. Without a running daemon, the figures read from \
            the run stores are printed with nasd_up 0 (no workers, no ack latency).
            """
    ) { arguments in
        let layout = ControlSession.stateDirectory(arguments)
        var counters: DaemonCounters?
        do {
            counters = try await ControlSession.send(.metrics, arguments).decode(as: DaemonCounters.self)
        } catch ControlClientError.daemonNotRunning {
            counters = nil
        }
        let metrics = try DaemonMetrics.collect(
            from: layout, gauges: counters?.gauges, ackLatency: counters?.ackLatency)
        StandardStream.output.write(metrics.prometheusText)
        return ExitStatus.success
    }
}
