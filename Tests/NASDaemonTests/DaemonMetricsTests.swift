import Foundation
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

final class DaemonMetricsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "metrics")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testText_isValidExposition_andCarriesTheStoresFiguresAndTheDaemonsGauges() throws {
        let layout = StateDirectoryLayout(path: directory.path)
        try ReportFixtures.populate(in: layout.runDirectory(named: "alpha"), name: "alpha")
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "beta"), name: "beta")
        let latency = LatencyRecorder(window: 4)
        for seconds in [0.001, 0.002, 0.003, 0.004, 0.010] { latency.record(seconds) }
        let metrics = try DaemonMetrics.collect(
            from: layout, gauges: CoreGauges(workers: 2, slots: 5, busySlots: 3, isDraining: false),
            ackLatency: latency.summary)
        let samples = try Self.parse(metrics.prometheusText)
        XCTAssertEqual(samples["nasd_up"], 1)
        XCTAssertEqual(samples["nasd_runs{state=\"active\"}"], 2)
        XCTAssertEqual(samples["nasd_trials{run=\"alpha\",state=\"stopped_early\"}"], 2)
        XCTAssertEqual(samples["nasd_trials{run=\"beta\",state=\"running\"}"], 1)
        XCTAssertEqual(samples["nasd_queue_depth{run=\"beta\"}"], 1)
        XCTAssertEqual(samples["nasd_workers"], 2)
        XCTAssertEqual(samples["nasd_worker_slots{state=\"busy\"}"], 3)
        let alpha = try RunViews.status(
            of: try RunStore(runDirectory: layout.runDirectory(named: "alpha"), mode: .mustExist))
        XCTAssertEqual(samples["nasd_epochs_spent_total{run=\"alpha\"}"], Double(alpha.epochsSpent))
        XCTAssertEqual(samples["nasd_epochs_saved_total{run=\"alpha\",reason=\"early_stopping\"}"], 5)
        XCTAssertEqual(samples["nasd_epochs_saved_total{run=\"alpha\",reason=\"veto\"}"], 4)
        XCTAssertEqual(samples["nasd_epochs_saved_total{run=\"alpha\",reason=\"reuse\"}"], 4)
        XCTAssertEqual(
            samples["nasd_dispatch_latency_seconds_count{run=\"alpha\"}"], 6,
            "trials 1, 2, 3, 5, 7 and 8 were dispatched")
        XCTAssertEqual(samples["nasd_ack_latency_seconds_count"], 5, "the count covers every observation")
        XCTAssertEqual(try XCTUnwrap(samples["nasd_ack_latency_seconds_sum"]), 0.02, accuracy: 1e-12)
        XCTAssertEqual(samples["nasd_ack_latency_seconds{quantile=\"0.99\"}"], 0.010, "quantiles use the last 4")
        XCTAssertEqual(samples["nasd_ack_latency_seconds{quantile=\"0.5\"}"], 0.003)
    }

    /// Quantiles come from the latest jobs only; count and sum cover them all.
    func testDispatchWaits_countAndSumEveryJob_andKeepTheLatestForQuantiles() throws {
        let store = try ReportFixtures.populate(in: directory.appendingPathComponent("alpha"), name: "alpha")
        let all = try store.dispatchWaits(recent: 100)
        XCTAssertEqual(all.count, 6)
        XCTAssertEqual(all.recent.count, 6)
        XCTAssertEqual(all.sum, all.recent.reduce(0, +), accuracy: 1e-9)
        let latest = try store.dispatchWaits(recent: 2)
        XCTAssertEqual(latest.count, 6)
        XCTAssertEqual(latest.sum, all.sum, accuracy: 1e-9)
        XCTAssertEqual(latest.recent, Array(all.recent.prefix(2)), "latest first")
    }

    func testWithoutADaemon_upIsZero_andTheLiveGaugesAreLeftOut() throws {
        let layout = StateDirectoryLayout(path: directory.path)
        try ControlFixtures.populateRun(in: layout.runDirectory(named: "beta"), name: "beta")
        let samples = try Self.parse(
            try DaemonMetrics.collect(from: layout, gauges: nil, ackLatency: nil).prometheusText)
        XCTAssertEqual(samples["nasd_up"], 0)
        XCTAssertNil(samples["nasd_workers"])
        XCTAssertNil(samples["nasd_ack_latency_seconds_count"])
        XCTAssertEqual(samples["nasd_trials{run=\"beta\",state=\"completed\"}"], 3)
    }

    func testLabelValues_areEscaped() {
        XCTAssertEqual(PrometheusText.escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd")
        XCTAssertEqual(PrometheusText.format(3), "3")
        XCTAssertEqual(PrometheusText.format(0.25), "0.25")
    }

    /// Parses the exposition format strictly: every family declared by HELP and TYPE before its
    /// samples, every sample `name{labels} value`; returns `name{labels}` → value.
    static func parse(_ text: String) throws -> [String: Double] {
        var declared: Set<String> = []
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                XCTAssertEqual(parts.count, 4, String(line))
                XCTAssertTrue(["gauge", "counter", "summary"].contains(parts[3]), String(line))
                declared.insert(String(parts[2]))
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                XCTFail("not a sample: \(line)")
                continue
            }
            let key = String(line[..<space])
            let name = String(key.prefix { $0 != "{" })
            let family = ["_sum", "_count"].reduce(name) { $0.hasSuffix($1) ? String($0.dropLast($1.count)) : $0 }
            XCTAssertTrue(declared.contains(family), "\(name) sampled before its TYPE line")
            XCTAssertNil(samples[key], "duplicate sample \(key)")
            samples[key] = value
        }
        return samples
    }
}
