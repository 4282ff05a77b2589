import Foundation
import NASTestSupport
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Issue 10 §2: `nasd report` and `nasd serve --http` render in headless Chromium, every SVG parses,
/// and the numbers on the pages are `nasd status --json`'s; `/metrics` and `nasd metrics` agree.
final class DashboardTests: EndToEndTestCase {
    func testReportAndDashboard_renderInChromium_withTheNumbersOfStatusJSON() async throws {
        let chromium = try HeadlessChromium.require()
        let state = try makeTemporaryDirectory()
        let config = try write(Self.smallDemo(name: "dash"), to: "dash.yaml", in: state)
        let daemon = try startProcess(
            name: "daemon",
            arguments: ["serve", "--state-dir", state.path, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0"])
        let (workerPort, httpPort) = try await eventually("the daemon to announce its ports", timeout: 30) {
            () -> (UInt16, UInt16)? in
            guard let worker = Self.port(after: "workers connect to 127.0.0.1:", in: daemon.standardError),
                let http = Self.port(after: "dashboard at http://127.0.0.1:", in: daemon.standardError)
            else { return nil }
            return (worker, http)
        }
        _ = try startProcess(
            name: "worker",
            arguments: [
                "worker", "--connect", "127.0.0.1:\(workerPort)", "--token-file", state.path + "/token", "--slots", "2",
            ])
        let submitted = try await nasd(["submit", config.path], stateDirectory: state)
        XCTAssertEqual(submitted.exitCode, 0, "\(submitted)")
        // Live, while it runs: the run's page reloads itself.
        let live = try await eventually("a live page with a trial done", timeout: 60) { () -> String? in
            let page = try await HTTPFetch.get("/runs/dash", port: httpPort)
            return page.status == 200 && page.body.contains("data-metric=\"best-accuracy\"") ? page.body : nil
        }
        XCTAssertTrue(live.contains("<meta http-equiv=\"refresh\" content=\"5\">"), "a live page reloads")

        let status = try await waitForRunToEnd("dash", in: state, timeout: 90)
        let index = try await HTTPFetch.get("/", port: httpPort)
        XCTAssertEqual(index.status, 200)
        let row = Self.metrics(in: index.body)
        XCTAssertEqual(row["total"], "\(status.counts.total)")
        XCTAssertEqual(row["completed"], "\(status.counts.completed)")
        XCTAssertEqual(row["reused"], "\(status.counts.reused)")
        XCTAssertEqual(row["epochs-spent"], "\(status.epochsSpent)")
        XCTAssertEqual(row["best-accuracy"], String(format: "%.2f%%", (status.best?.accuracy ?? 0) * 100))

        let page = try await HTTPFetch.get("/runs/dash", port: httpPort)
        XCTAssertEqual(page.status, 200)
        XCTAssertFalse(page.body.contains("http-equiv=\"refresh\""), "a finished run's page stays put")
        let cards = Self.metrics(in: page.body)
        XCTAssertEqual(cards["trials"], "\(status.counts.total)")
        XCTAssertEqual(cards["epochs-spent"], "\(status.epochsSpent)")
        XCTAssertEqual(cards["reused"], "\(status.counts.reused)")
        XCTAssertEqual(cards["best-accuracy"], String(format: "%.2f%%", (status.best?.accuracy ?? 0) * 100))
        try Self.assertEverySVGParses(page.body, minimum: 5)

        let metrics = try await HTTPFetch.get("/metrics", port: httpPort)
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(
            metrics.body.contains("nasd_trials{run=\"dash\",state=\"completed\"} \(status.counts.completed)\n"))
        XCTAssertTrue(metrics.body.contains("nasd_epochs_spent_total{run=\"dash\"} \(status.epochsSpent)\n"))
        XCTAssertTrue(metrics.body.contains("nasd_workers 1\n"), metrics.body)
        let printed = try await nasd(["metrics"], stateDirectory: state)
        XCTAssertEqual(printed.exitCode, 0)
        XCTAssertTrue(printed.outputText.contains("nasd_epochs_spent_total{run=\"dash\"} \(status.epochsSpent)"))
        XCTAssertTrue(printed.outputText.contains("nasd_ack_latency_seconds_count "), printed.outputText)

        let reportFile = state.appendingPathComponent("dash.html")
        let report = try await nasd(["report", "dash", "--out", reportFile.path], stateDirectory: state)
        XCTAssertEqual(report.exitCode, 0, "\(report)")
        let html = try String(contentsOf: reportFile, encoding: .utf8)
        XCTAssertEqual(Self.metrics(in: html)["epochs-spent"], "\(status.epochsSpent)")
        try Self.assertEverySVGParses(html, minimum: 5)

        // Export: CSV of every trial through the old --output name, the curves through --out.
        let csvFile = state.appendingPathComponent("dash.csv").path
        let csv = try await nasd(["export", "dash", "--format", "csv", "--output", csvFile], stateDirectory: state)
        XCTAssertEqual(csv.exitCode, 0, "\(csv)")
        let rows = try String(contentsOfFile: csvFile, encoding: .utf8).components(separatedBy: "\r\n").dropLast()
        XCTAssertEqual(rows.count, 1 + status.counts.total, "a header and every trial")
        XCTAssertTrue(rows.first?.hasPrefix("trial,state,notation,") ?? false)
        let curvesFile = state.appendingPathComponent("dash.jsonl").path
        let curves = try await nasd(["export", "dash", "--out", curvesFile], stateDirectory: state)
        XCTAssertEqual(curves.exitCode, 0, "\(curves)")
        let curveLines = try String(contentsOfFile: curvesFile, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(curveLines.count, status.counts.completed - status.counts.reused, "trained trials only")
        let both = try await nasd(["export", "dash", "--out", "a", "--output", "b"], stateDirectory: state)
        XCTAssertEqual(both.exitCode, 64, "\(both)")

        // Rendered: each screenshot is the asked size and carries far more than a blank page.
        let blank = try chromium.screenshot("about:blank", to: state.appendingPathComponent("blank.png"))
        let screenshots = [
            ("report", "file://" + reportFile.path),
            ("dashboard", "http://127.0.0.1:\(httpPort)/runs/dash"),
        ]
        for (name, url) in screenshots {
            let png = try chromium.screenshot(url, to: state.appendingPathComponent("\(name).png"))
            let size = try XCTUnwrap(HeadlessChromium.dimensions(ofPNG: png), "\(name): not a PNG")
            XCTAssertEqual(size.width, 1000, name)
            XCTAssertEqual(size.height, 1400, name)
            XCTAssertGreaterThan(png.count, blank.count * 5, "\(name): the screenshot looks blank")
            if let keep = ProcessInfo.processInfo.environment["NASD_SCREENSHOT_DIR"] {
                try png.write(to: URL(fileURLWithPath: keep).appendingPathComponent("\(name).png"))
            }
        }
    }

    func testTrialStopAndRetry_cancelOneTrialAndQueueItsNetworkAgain() async throws {
        let state = try makeTemporaryDirectory()
        let slow = Self.smallDemo(name: "ctl", trials: 3, epochs: 20, delay: "0.5s")
        let config = try write(slow, to: "ctl.yaml", in: state)
        let daemon = try await startDaemon(stateDirectory: state)
        _ = try startWorker(id: "w1", daemon: daemon)
        try await submit(config, to: daemon)
        try await eventually("trial 1 to run", timeout: 30) {
            try await self.trials(of: "ctl", in: state).first { $0.id == 1 && $0.state == "running" }
        }
        let stopped = try await nasd(["trial", "stop", "ctl", "1"], stateDirectory: state)
        XCTAssertEqual(stopped.exitCode, 0, "\(stopped)")
        XCTAssertEqual(stopped.standardOutput.first, "trial 1 stopped")
        let again = try await nasd(["trial", "stop", "ctl", "1"], stateDirectory: state)
        XCTAssertEqual(again.exitCode, 1, "a cancelled trial cannot be stopped again: \(again)")
        let first = try await trials(of: "ctl", in: state)
        XCTAssertEqual(first.first?.state, "cancelled")

        let retried = try await nasd(["trial", "retry", "ctl", "1"], stateDirectory: state)
        XCTAssertEqual(retried.exitCode, 0, "\(retried)")
        let retryID = try XCTUnwrap(retried.standardOutput.first?.split(separator: " ").last.flatMap { Int64($0) })
        let all = try await trials(of: "ctl", in: state)
        let retry = try XCTUnwrap(all.first { $0.id == retryID })
        XCTAssertEqual(retry.notation, first.first?.notation, "the same network")
        XCTAssertTrue(["queued", "running"].contains(retry.state), retry.state)
        let bad = try await nasd(["trial", "retry", "ctl", "seven"], stateDirectory: state)
        XCTAssertEqual(bad.exitCode, 64, "\(bad)")
        let unknown = try await nasd(["trial", "retry", "ctl", "99"], stateDirectory: state)
        XCTAssertEqual(unknown.exitCode, 1, "\(unknown)")
        XCTAssertTrue(unknown.errorText.contains("has no trial 99"), "\(unknown)")
    }

    /// The demo configuration made small: `trials` trials of `epochs` epochs.
    static func smallDemo(name: String, trials: Int = 10, epochs: Int = 4, delay: String = "0.01s") -> String {
        """
        name: \(name)
        seed: 7
        space:
          kind: metaqnn
          filters: [32, 64]
          kernels: [1, 3]
          pools: [[2, 2]]
          fc_sizes: [128]
          max_depth: 5
          input: [3, 32, 32]
          classes: 10
        strategy:
          kind: random
        training:
          epochs: \(epochs)
        trainer:
          builtin: surrogate
          epoch_delay: \(delay)
        end:
          max_trials: \(trials)

        """
    }

    static func port(after marker: String, in log: String) -> UInt16? {
        guard let range = log.range(of: marker) else { return nil }
        return UInt16(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// `data-metric="KEY"` elements → their text (the card's value span, or the cell).
    static func metrics(in html: String) -> [String: String] {
        var values: [String: String] = [:]
        var rest = html[...]
        while let marker = rest.range(of: "data-metric=\"") {
            let keyEnd = rest[marker.upperBound...].firstIndex(of: "\"") ?? rest.endIndex
            let key = String(rest[marker.upperBound..<keyEnd])
            guard let close = rest[keyEnd...].firstIndex(of: ">") else { break }
            var start = rest.index(after: close)
            let span = "<span class=\"value\">"
            if rest[start...].hasPrefix(span) { start = rest.index(start, offsetBy: span.count) }
            let end = rest[start...].firstIndex(of: "<") ?? rest.endIndex
            values[key] = String(rest[start..<end])
            rest = rest[end...]
        }
        return values
    }

    static func assertEverySVGParses(_ html: String, minimum: Int, line: UInt = #line) throws {
        var count = 0
        var rest = html[...]
        while let start = rest.range(of: "<svg"),
            let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
        {
            let parser = XMLParser(data: Data(rest[start.lowerBound..<end.upperBound].utf8))
            XCTAssertTrue(
                parser.parse(), "an SVG does not parse: \(String(describing: parser.parserError))", line: line)
            count += 1
            rest = rest[end.upperBound...]
        }
        XCTAssertGreaterThanOrEqual(count, minimum, "SVG figures on the page", line: line)
    }
}
