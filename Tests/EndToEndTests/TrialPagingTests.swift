import Foundation
import NASTestSupport
import XCTest

/// Issue 11 §4: `nasd trials` reads a run a page at a time (`--limit`, `--sort`, `--state`),
/// against the daemon hosting the run and offline with `--run-dir`, with the same answers.
final class TrialPagingTests: EndToEndTestCase {
    func testTrialsPages_sortFilterAndLimit_sameFromTheDaemonAndOffline() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        _ = try startWorker(id: "w", slots: 2, daemon: daemon)
        let configuration = try write(
            """
            name: pages
            seed: 5
            space: {kind: metaqnn, filters: [16, 32, 64, 128], kernels: [1, 3, 5], max_depth: 8}
            strategy: {kind: random}
            training: {epochs: 2}
            trainer: {builtin: surrogate, epoch_delay: 0s}
            end: {max_trials: 100000}
            """, to: "pages.yaml", in: state)
        try await submit(configuration, to: daemon)
        // More trials than the CLI's first page (100), so reading them all takes several requests.
        try await eventually("230 completed trials", timeout: 120, interval: 0.3) {
            try await self.status(of: "pages", in: state).counts.completed >= 230 ? true : nil
        }
        // Paused and settled, the run is still hosted by the daemon and no longer changes.
        let pause = try await nasd(["pause", "pages"], stateDirectory: state)
        XCTAssertEqual(pause.exitCode, 0, "\(pause)")
        let settled = try await eventually("nothing running", timeout: 30) { () -> RunStatusPayload? in
            let view = try await self.status(of: "pages", in: state)
            return view.counts.running == 0 ? view : nil
        }

        let all = try await trials(of: "pages", in: state)
        XCTAssertEqual(all.count, settled.counts.total, "every trial once")
        XCTAssertEqual(all.map(\.id), Array(1...Int64(all.count)), "proposal order, no gap, no repeat")

        func accuracy(_ trial: TrialPayload) -> Double { trial.finalAccuracy ?? -1 }
        let completed = all.filter { $0.state == "completed" }
        let ranked = completed.sorted { accuracy($0) != accuracy($1) ? accuracy($0) > accuracy($1) : $0.id < $1.id }
        let runDirectory = state.appendingPathComponent("pages").path
        for source in [[], ["--run-dir", runDirectory]] {
            let label = source.isEmpty ? "daemon" : "offline"
            let top = try await nasdJSON(
                [TrialPayload].self,
                ["trials", "pages", "--state", "completed", "--sort", "accuracy", "--limit", "5"] + source,
                stateDirectory: state)
            XCTAssertEqual(top, Array(ranked.prefix(5)), label)
            let newest = try await nasdJSON(
                [TrialPayload].self, ["trials", "pages", "--sort", "newest", "--limit", "3"] + source,
                stateDirectory: state)
            XCTAssertEqual(newest.map(\.id), all.suffix(3).reversed().map(\.id), label)
            let everything = try await nasdJSON(
                [TrialPayload].self, ["trials", "pages"] + source, stateDirectory: state)
            XCTAssertEqual(everything, all, "\(label): every page joined gives the one list")
            let byAccuracy = try await nasdJSON(
                [TrialPayload].self, ["trials", "pages", "--sort", "accuracy", "--state", "completed"] + source,
                stateDirectory: state)
            XCTAssertEqual(byAccuracy, ranked, "\(label): accuracy order across pages")

            // The table: one header, then the rows of both pages in order, columns aligned.
            let table = try await nasd(["trials", "pages", "--limit", "150"] + source, stateDirectory: state)
            XCTAssertEqual(table.exitCode, 0, "\(table)")
            let lines = table.standardOutput.filter { !$0.isEmpty }
            XCTAssertEqual(lines.count, 151, label)
            XCTAssertTrue(lines.first?.hasPrefix("id") ?? false, label)
            XCTAssertEqual(lines.filter { $0.hasPrefix("id ") }.count, 1, "\(label): the header once")
            XCTAssertEqual(
                lines.dropFirst().compactMap { $0.split(separator: " ").first.flatMap { Int64($0) } },
                Array(1...150), label)
            let header = Array(lines[0])
            let stateColumn = try XCTUnwrap(lines[0].range(of: "state")).lowerBound.utf16Offset(in: lines[0])
            XCTAssertEqual(header[stateColumn - 1], " ")
            for row in lines.dropFirst().map(Array.init) {
                XCTAssertEqual(row[stateColumn - 1], " ", "\(label): \(String(row))")
                XCTAssertNotEqual(row[stateColumn], " ", "\(label): the state column lines up: \(String(row))")
            }
        }

        let badSort = try await nasd(["trials", "pages", "--sort", "fastest"], stateDirectory: state)
        XCTAssertEqual(badSort.exitCode, 64, "\(badSort)")
        XCTAssertTrue(
            badSort.errorText.contains("--sort expects id, newest or accuracy; found 'fastest'"), badSort.errorText)
        let badLimit = try await nasd(["trials", "pages", "--limit", "-2"], stateDirectory: state)
        XCTAssertEqual(badLimit.exitCode, 64, "\(badLimit)")
    }
}
