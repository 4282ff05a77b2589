import Foundation
import NASCore
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class RunReportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "report")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testData_countsSavingsAndTheBestSoFarCurveFromTheStore() throws {
        let store = try ReportFixtures.populate(in: directory.appendingPathComponent("r"))
        let data = try RunReportData.load(from: store)
        XCTAssertEqual(data.trials.count, 8)
        XCTAssertEqual(data.epochsSpent, 4 + 4 + 2 + 4 + 1)
        XCTAssertEqual(data.epochsSavedByStopping, (4 - 2) + (4 - 1))
        XCTAssertEqual(data.epochsSavedByVetoes, 4)
        XCTAssertEqual(data.epochsSavedByReuse, 4)
        XCTAssertEqual(data.ranked.map(\.id), [5, 2, 1])
        XCTAssertEqual(
            data.trials.map(\.phase).prefix(4), ["epsilon=1.0", "epsilon=1.0", "epsilon=1.0", "epsilon=0.5"])
        // Improvements at trials 1 (4 epochs), 2 (8) and 5 (after 3's 2 and 5's 4: 14), then the last epoch (15).
        XCTAssertEqual(data.progress.map(\.epochsSpent), [4, 8, 14, 15])
        XCTAssertEqual(data.progress.map(\.bestAccuracy), [0.6, 0.8, 0.85, 0.85])
        // Without pruning: trial 3's 2 spared epochs and the veto's 4 come before trial 5 ends; trial 7's 3 after.
        XCTAssertEqual(data.progress.map(\.epochsWithoutPruning), [4, 8, 20, 24])
        let first = try XCTUnwrap(data.trials.first)
        XCTAssertEqual(first.curve, [0.3, 0.45, 0.55, 0.6])
        let analysis = try Architecture(notation: ReportFixtures.networks[0]).analyze(input: .cifar)
        XCTAssertEqual(first.parameters, analysis.parameters)
        XCTAssertEqual(first.flops, analysis.macs)
    }

    func testData_keepsTheEpochOfEachReport_forATrainerThatSkipsEpochs() throws {
        let store = try RunStore(
            runDirectory: directory.appendingPathComponent("sparse"), clock: ReportFixtures.steppingClock())
        try store.createRun(
            NewRun(
                name: "sparse", configurationText: try ControlFixtures.demoConfigurationText(name: "sparse"),
                searchIdentity: "test"))
        let trial = try store.insertTrial(ReportFixtures.newTrial(1))
        let job = try store.dispatchTrial(trial.id, to: "w1", leaseDeadline: Date(timeIntervalSince1970: 1_800_000_000))
        for (epoch, accuracy) in [(2, 0.4), (4, 0.6)] {
            _ = try store.recordEpochs([EpochReport(trialID: trial.id, epoch: epoch, validationAccuracy: accuracy)])
        }
        try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: 0.6), job: job.id)
        let reported = try XCTUnwrap(try RunReportData.load(from: store).trials.first)
        XCTAssertEqual(reported.curve, [0.4, 0.6])
        XCTAssertEqual(reported.curveEpochs, [2, 4], "the learning-curve figure plots each value at its epoch")
    }

    func testSize_ofANASBench201Cell_isItsNetworksAsTheBenchmarkCountsIt_withTheSpacesClassesAndInput() throws {
        let cell = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
        let cifar10 = try XCTUnwrap(RunReportData.size(of: cell, input: .cifar, nb201: NASBench201Network()))
        XCTAssertEqual(cifar10.parameters, 1_531_546)
        XCTAssertEqual(cifar10.macs, 220_119_690)
        let imageNet16 = NASBench201Network(classes: 120, inputSide: 16)
        let size = try XCTUnwrap(RunReportData.size(of: cell, input: .cifar, nb201: imageNet16))
        XCTAssertEqual(size.parameters, 1_538_696)
        XCTAssertEqual(size.macs, 55_037_560)
    }

    func testPhase_dropsTheProposalNumberAndTheStrategyPrefix() {
        XCTAssertEqual(ReportTrial.phase(ofSource: "random#12"), "random")
        XCTAssertEqual(ReportTrial.phase(ofSource: "metaqnn:epsilon=0.5#3"), "epsilon=0.5")
        XCTAssertEqual(ReportTrial.phase(ofSource: "hyperband:bracket=2"), "bracket=2")
        XCTAssertEqual(ReportTrial.phase(ofSource: "user-retry#4"), "user-retry")
        XCTAssertEqual(ReportTrial.phase(ofSource: ""), "unknown")
    }

    func testHTML_isSelfContained_everySVGParses_andTheCardsMatchTheStatusView() throws {
        let store = try ReportFixtures.populate(in: directory.appendingPathComponent("r"))
        let html = ReportDocument(runs: [try RunReportData.load(from: store)], generatedAt: Date()).html()
        XCTAssertFalse(html.contains("<script"), "no scripts")
        XCTAssertFalse(html.contains("url("), "no external resources from CSS")
        let links = html.components(separatedBy: "http").dropFirst().filter {
            !$0.hasPrefix("://www.w3.org/2000/svg\"")
        }
        XCTAssertEqual(links.count, 0, "only the SVG namespace may name a URL")
        let svgs = try ReportMarkup.svgElements(in: html)
        XCTAssertEqual(svgs.count, 6, "best so far, over time, params, FLOPs, predictions, curves")
        for svg in svgs { try ReportMarkup.assertParses(svg) }

        let status = try RunViews.status(of: store)
        let cards = ReportMarkup.metrics(in: html)
        XCTAssertEqual(cards["trials"], "\(status.counts.total)")
        XCTAssertEqual(cards["stopped-early"], "\(status.counts.stoppedEarly)")
        XCTAssertEqual(cards["vetoed"], "\(status.counts.vetoed)")
        XCTAssertEqual(cards["reused"], "\(status.counts.reused)")
        XCTAssertEqual(cards["failed"], "\(status.counts.failed)")
        XCTAssertEqual(cards["epochs-spent"], "\(status.epochsSpent)")
        XCTAssertEqual(cards["trained"], "3")
        XCTAssertEqual(cards["epochs-saved"], "13")
        XCTAssertEqual(cards["best-accuracy"], String(format: "%.2f%%", (status.best?.accuracy ?? 0) * 100))

        XCTAssertTrue(html.contains("Pruning saved 9 epochs"), "stopping 5 + veto 4")
        XCTAssertTrue(html.contains("Vetoed before training (1)"))
        XCTAssertTrue(html.contains("epsilon=0.5") && html.contains("epsilon=1.0"), "one legend entry per phase")
        // τ and R² of (0.55, 0.70, 0.90) against (0.60, 0.80, 0.85): ranks agree exactly.
        XCTAssertTrue(html.contains("data-prior-kendall-tau=\"1.000\""), "the ranks agree")
        XCTAssertFalse(html.contains("data-stop-rule-kendall-tau"), "no completed trial carries a stop prediction")
        XCTAssertTrue(html.contains("models v1–v5"), "the model versions that made the prior's predictions")
        XCTAssertTrue(html.contains("30.00% ± 10.00% (model v3)"), "the veto's prediction and model")
        let agreement = PredictionAgreement(predicted: [0.55, 0.70, 0.90], actual: [0.6, 0.8, 0.85])
        XCTAssertTrue(html.contains("data-prior-r-squared=\"\(String(format: "%.3f", agreement.rSquared ?? 0))\""))
    }

    func testHTML_ofAnEmptyRun_saysWhatIsMissing_andSeveralRunsOverlayTheirCurves() throws {
        let empty = try RunStore(runDirectory: directory.appendingPathComponent("e"), clock: ControlFixtures.clock)
        try empty.createRun(NewRun(name: "empty", configurationText: "name: [", searchIdentity: "x"))
        let full = try ReportFixtures.populate(in: directory.appendingPathComponent("r"))
        let page = ReportDocument(
            runs: [try RunReportData.load(from: full), try RunReportData.load(from: empty)], generatedAt: Date()
        ).html()
        XCTAssertTrue(page.contains("<h2>Comparison</h2>"))
        XCTAssertTrue(page.contains("No trial has completed yet."))
        XCTAssertTrue(page.contains("<title>nasd report: report, empty</title>"))
        for svg in try ReportMarkup.svgElements(in: page) { try ReportMarkup.assertParses(svg) }
        let single = ReportDocument(runs: [try RunReportData.load(from: empty)], generatedAt: Date()).html()
        XCTAssertFalse(single.contains("<svg"), "nothing to draw")
        XCTAssertTrue(single.contains("No predictions were stored"))
    }

    func testMarkup_escapesNamesThatLookLikeTags() throws {
        let store = try RunStore(runDirectory: directory.appendingPathComponent("x"), clock: ControlFixtures.clock)
        try store.createRun(NewRun(name: "a<b>&\"c\"", configurationText: "name: [", searchIdentity: "x"))
        let page = ReportDocument(runs: [try RunReportData.load(from: store)], generatedAt: Date()).html()
        XCTAssertFalse(page.contains("a<b>"))
        XCTAssertTrue(page.contains("a&lt;b&gt;&amp;&quot;c&quot;"))
    }

    func testParetoFront_keepsExactlyTheNonDominatedPoints() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let points = (0..<30).map { _ in
                (
                    cost: Double(Int.random(in: 1...20, using: &generator)),
                    accuracy: Double.random(in: 0...1, using: &generator)
                )
            }
            let front = ParetoFront.of(points)
            func dominated(_ p: (cost: Double, accuracy: Double)) -> Bool {
                points.contains { q in
                    q.cost <= p.cost && q.accuracy >= p.accuracy && (q.cost < p.cost || q.accuracy > p.accuracy)
                }
            }
            let expected = Set(points.filter { !dominated($0) }.map { "\($0.cost)/\($0.accuracy)" })
            XCTAssertEqual(Set(front.map { "\($0.cost)/\($0.accuracy)" }), expected)
            XCTAssertEqual(front.map(\.cost), front.map(\.cost).sorted(), "cheapest first")
        }
    }

    func testAxisScale_ticksAreInsideTheRange_niceAndIntegerWhenAsked() {
        let scale = AxisScale(covering: [0.12, 0.87])
        let ticks = scale.ticks()
        XCTAssertTrue(ticks.allSatisfy { $0 >= scale.lower && $0 <= scale.upper }, "\(ticks)")
        XCTAssertGreaterThanOrEqual(ticks.count, 3)
        XCTAssertEqual(ticks, [0.2, 0.4, 0.6, 0.8])
        XCTAssertEqual(AxisScale(lower: 0.5, upper: 12.5, isInteger: true).ticks(), [2, 4, 6, 8, 10, 12])
        let log = AxisScale(covering: [1_500, 2_000_000], kind: .logarithmic)
        XCTAssertEqual(log.ticks(), [10_000, 100_000, 1_000_000])
        XCTAssertEqual(log.fraction(log.lower), 0, accuracy: 1e-12)
        XCTAssertEqual(log.fraction(log.upper), 1, accuracy: 1e-12)
        XCTAssertEqual(AxisScale.label(1_500_000), "1.5M")
        XCTAssertEqual(AxisScale.label(0.85, percent: true), "85%")
        let flat = AxisScale(covering: [0.5, 0.5])
        XCTAssertLessThan(flat.lower, 0.5)
        XCTAssertGreaterThan(flat.upper, 0.5)
    }
}

/// Pulls the parts tests check out of the report's markup.
enum ReportMarkup {
    /// Every `<svg …>…</svg>` element's text.
    static func svgElements(in html: String) throws -> [String] {
        var elements: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg") {
            guard let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) else {
                XCTFail("an <svg> without its </svg>")
                break
            }
            elements.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return elements
    }

    /// Fails unless `svg` is well-formed XML.
    static func assertParses(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parser = XMLParser(data: Data(svg.utf8))
        let parsed = parser.parse()
        XCTAssertTrue(
            parsed, "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
    }

    /// The `data-metric` cards: key → shown value.
    static func metrics(in html: String) -> [String: String] {
        var values: [String: String] = [:]
        var rest = html[...]
        while let marker = rest.range(of: "data-metric=\"") {
            let keyEnd = rest[marker.upperBound...].firstIndex(of: "\"") ?? rest.endIndex
            let key = String(rest[marker.upperBound..<keyEnd])
            guard let close = rest[keyEnd...].firstIndex(of: ">") else { break }
            var valueStart = rest.index(after: close)
            if rest[valueStart...].hasPrefix("<span class=\"value\">") {
                valueStart = rest.index(valueStart, offsetBy: "<span class=\"value\">".count)
            }
            let valueEnd = rest[valueStart...].firstIndex(of: "<") ?? rest.endIndex
            values[key] = String(rest[valueStart..<valueEnd])
            rest = rest[valueEnd...]
        }
        return values
    }
}
