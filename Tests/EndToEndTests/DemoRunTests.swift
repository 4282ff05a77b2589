import Foundation
import NASTestSupport
import XCTest

/// Issue 3 §6-7: `nasd run configs/demo.yaml --workers 3`, the demo as shipped, finishes and
/// prints its best; running it again says the run already ended.
final class DemoRunTests: EndToEndTestCase {
    func testDemo_runsToCompletionWithThreeWorkersAndAgainReportsThatItEnded() async throws {
        let state = try makeTemporaryDirectory()
        let demo = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml").path
        let started = Date()
        let first = try await nasd(["run", demo, "--workers", "3"], stateDirectory: state, timeout: 120)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(first.exitCode, 0, "\(first)")
        XCTAssertLessThan(seconds, 120)
        XCTAssertTrue(first.outputText.contains("run 'demo' finished"), "\(first)")
        let bestLine = try XCTUnwrap(first.standardOutput.last { $0.hasPrefix("best: trial ") }, "\(first)")
        XCTAssertTrue(bestLine.contains("accuracy ") && bestLine.contains("%: ["), bestLine)

        // The store agrees: 60 trained trials, spread over the three local workers.
        let status = try await status(of: "demo", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.completed - status.counts.reused, 60)
        XCTAssertEqual(status.counts.failed, 0)
        let best = try XCTUnwrap(status.best)
        XCTAssertTrue(bestLine.hasPrefix("best: trial \(best.trial), "), "\(bestLine) vs \(best)")
        XCTAssertTrue(bestLine.hasSuffix(best.notation), "\(bestLine) vs \(best)")
        let workers = Set(try await trials(of: "demo", in: state).compactMap(\.worker))
        XCTAssertEqual(workers, ["local-1", "local-2", "local-3"])

        let again = try await nasd(["run", demo, "--workers", "3"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(again.exitCode, 0, "\(again)")
        XCTAssertTrue(again.outputText.contains("run 'demo' already ended"), "\(again)")
        XCTAssertTrue(again.standardOutput.contains(bestLine), "\(again)")
    }
}
