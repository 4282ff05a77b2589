import Foundation
import NASStore

/// The daemon's counters and gauges in the Prometheus text format: what `/metrics` serves and
/// `nasd metrics` prints.
///
/// Run and trial figures are read from the run stores (each opened read-only for the purpose, so
/// never on the event loop's connection); workers and slots come from the core (`CoreGauges`, nil
/// when no daemon runs) and the ack latency from the event loop.
public struct DaemonMetrics: Sendable {
    /// One run's figures.
    public struct RunFigures: Hashable, Sendable {
        public var name: String
        public var state: RunState
        public var trials: [TrialState: Int]
        public var epochsSpent: Int
        public var epochsSavedByStopping: Int
        public var epochsSavedByVetoes: Int
        public var epochsSavedByReuse: Int
        public var dispatchLatency: LatencyRecorder.Summary
    }

    public var runs: [RunFigures]
    public var gauges: CoreGauges?
    public var ackLatency: LatencyRecorder.Summary?

    /// Reads every run of a state directory. Blocking: call it on a thread of its own.
    ///
    /// A run whose store cannot be read is left out (the others are still reported).
    public static func collect(
        from layout: StateDirectoryLayout, gauges: CoreGauges?, ackLatency: LatencyRecorder.Summary?
    ) throws -> DaemonMetrics {
        var runs: [RunFigures] = []
        for name in try layout.runNames() {
            guard let store = try? RunStore(runDirectory: layout.runDirectory(named: name), mode: .mustExist),
                let figures = try? figures(of: store)
            else { continue }
            runs.append(figures)
        }
        return DaemonMetrics(runs: runs, gauges: gauges, ackLatency: ackLatency)
    }

    /// One run's figures from its store: the trigger-kept tallies and SQL aggregates, so a scrape
    /// costs the same at 100 trials and at 100,000 (it used to decode every trial).
    public static func figures(of store: RunStore) throws -> RunFigures? {
        guard let run = try store.run() else { return nil }
        let tallies = try store.tallies()
        let waits = try store.dispatchWaits(recent: Self.recentWaits)
        return RunFigures(
            name: run.name, state: run.state, trials: tallies.counts, epochsSpent: tallies.epochsTrained,
            epochsSavedByStopping: tallies.states[.stoppedEarly]?.epochsSaved ?? 0,
            epochsSavedByVetoes: tallies.states[.vetoed]?.trainedBudget ?? 0,
            epochsSavedByReuse: TrialState.allCases.filter(\.hasReusableResult)
                .reduce(0) { $0 + (tallies.states[$1]?.reusedBudget ?? 0) },
            dispatchLatency: LatencyRecorder.Summary(count: waits.count, sum: waits.sum, recent: waits.recent))
    }

    /// The latest dispatch waits a run's quantiles are taken over (the event loop's window).
    static let recentWaits = 1024

    /// The exposition text.
    public var prometheusText: String {
        var out = PrometheusText()
        out.family("nasd_up", type: "gauge", help: "1 when a daemon serves this state directory, else 0.")
        out.sample("nasd_up", gauges == nil ? 0 : 1)
        out.family("nasd_runs", type: "gauge", help: "Runs in the state directory by state.")
        for state in RunState.allCases {
            out.sample("nasd_runs", [("state", state.rawValue)], Double(runs.filter { $0.state == state }.count))
        }
        out.family("nasd_trials", type: "gauge", help: "Trials by run and state.")
        for run in runs {
            for state in TrialState.allCases {
                out.sample(
                    "nasd_trials", [("run", run.name), ("state", state.rawValue)], Double(run.trials[state] ?? 0))
            }
        }
        out.family("nasd_queue_depth", type: "gauge", help: "Trials waiting for a worker slot, by run.")
        for run in runs { out.sample("nasd_queue_depth", [("run", run.name)], Double(run.trials[.queued] ?? 0)) }
        if let gauges {
            out.family("nasd_workers", type: "gauge", help: "Connected workers.")
            out.sample("nasd_workers", Double(gauges.workers))
            out.family("nasd_worker_slots", type: "gauge", help: "Worker slots, all and busy.")
            out.sample("nasd_worker_slots", [("state", "all")], Double(gauges.slots))
            out.sample("nasd_worker_slots", [("state", "busy")], Double(gauges.busySlots))
            out.family("nasd_draining", type: "gauge", help: "1 while the daemon dispatches nothing new.")
            out.sample("nasd_draining", gauges.isDraining ? 1 : 0)
        }
        out.family("nasd_epochs_spent_total", type: "counter", help: "Epochs trained and recorded, by run.")
        for run in runs { out.sample("nasd_epochs_spent_total", [("run", run.name)], Double(run.epochsSpent)) }
        out.family(
            "nasd_epochs_saved_total", type: "counter",
            help: "Epochs not trained thanks to early stopping, vetoes or reused results, by run.")
        for run in runs {
            out.sample(
                "nasd_epochs_saved_total", [("run", run.name), ("reason", "early_stopping")],
                Double(run.epochsSavedByStopping))
            out.sample(
                "nasd_epochs_saved_total", [("run", run.name), ("reason", "veto")], Double(run.epochsSavedByVetoes))
            out.sample(
                "nasd_epochs_saved_total", [("run", run.name), ("reason", "reuse")], Double(run.epochsSavedByReuse))
        }
        out.family(
            "nasd_dispatch_latency_seconds", type: "summary",
            help: "Time a job waited for dispatch: from its trial's creation (or previous attempt's end).")
        for run in runs { out.summary("nasd_dispatch_latency_seconds", [("run", run.name)], run.dispatchLatency) }
        if let ackLatency {
            out.family(
                "nasd_ack_latency_seconds", type: "summary",
                help: "From an event's arrival to its batch's commit and acknowledgement (per batch, oldest event).")
            out.summary("nasd_ack_latency_seconds", [], ackLatency)
        }
        return out.text
    }
}
