import Foundation
import NASStore

/// One run's part of the report: its numbers, its figures and its tables.
struct RunReportSection: Sendable {
    var run: RunReportData

    /// How many of the best networks get their learning curves drawn, and how many trials stopped
    /// early.
    static let curveCount = 5
    static let stoppedCurveCount = 8
    /// Rows of the top-architectures table.
    static let tableCount = 10

    func html() -> String {
        var text = "<section class=\"run\" id=\"run-\(MarkupEscaping.escape(run.name))\">\n"
        text += "<h2>Run \(MarkupEscaping.escape(run.name))</h2>\n"
        var status = "\(run.state.rawValue) · strategy \(run.strategy)"
        if let reason = run.finishReason { status += " · \(reason)" }
        text += "<p class=\"muted\">\(MarkupEscaping.escape(status))</p>\n"
        text += cards()
        text += "<div class=\"figures\">\n"
        text +=
            bestSoFar() + accuracyOverTime() + accuracyAgainstCost(flops: false) + accuracyAgainstCost(flops: true)
            + predictions() + learningCurves()
        text += "</div>\n"
        text += vetoes() + topArchitectures() + finalPhase()
        if !run.configurationSummary.isEmpty {
            text +=
                "<h3>Configuration</h3>\n<ul class=\"muted\">"
                + run.configurationSummary.map { "<li>\(MarkupEscaping.escape($0))</li>" }.joined() + "</ul>\n"
        }
        return text + "</section>\n"
    }

    // MARK: Numbers

    private func cards() -> String {
        let counts = run.counts
        var items: [(String, String, String)] = [
            ("trials", "trials", "\(counts.total)"),
            ("trained", "trained to the budget", "\(counts.completed - countReusedCompleted)"),
            ("running", "running", "\(counts.running)"),
            ("queued", "queued", "\(counts.queued)"),
            ("stopped-early", "stopped early", "\(counts.stoppedEarly)"),
            ("vetoed", "vetoed", "\(counts.vetoed)"),
            ("reused", "reused", "\(counts.reused)"),
            ("failed", "failed", "\(counts.failed)"),
            ("epochs-spent", "epochs spent", "\(run.epochsSpent)"),
            (
                "epochs-saved",
                "epochs saved (stopping \(run.epochsSavedByStopping), vetoes \(run.epochsSavedByVetoes), "
                    + "reuse \(run.epochsSavedByReuse))", "\(run.epochsSaved)"
            ),
        ]
        if let best = run.ranked.first, let accuracy = best.finalAccuracy {
            items.insert(("best-accuracy", "best accuracy (trial \(best.id))", Self.percent(accuracy)), at: 0)
        }
        return "<div class=\"cards\">\n"
            + items.map { key, name, value in
                "<div class=\"card\" data-metric=\"\(key)\"><span class=\"value\">\(MarkupEscaping.escape(value))"
                    + "</span><span class=\"name\">\(MarkupEscaping.escape(name))</span></div>\n"
            }.joined() + "</div>\n"
    }

    private var countReusedCompleted: Int {
        run.trials.filter { $0.state == .completed && $0.reusedFrom != nil }.count
    }

    // MARK: Figures

    private func bestSoFar() -> String {
        let spent = run.progress.map { (x: Double($0.epochsSpent), y: $0.bestAccuracy) }
        guard !spent.isEmpty else {
            return Self.empty("Best accuracy so far", "No trial has completed yet.")
        }
        let unpruned = run.progress.map { (x: Double($0.epochsWithoutPruning), y: $0.bestAccuracy) }
        let saved = (run.progress.last?.epochsWithoutPruning ?? 0) - (run.progress.last?.epochsSpent ?? 0)
        var plot = SVGPlot(
            title: "Best accuracy so far against epochs spent", xLabel: "epochs spent",
            yLabel: "best validation accuracy",
            x: AxisScale(covering: (spent + (saved > 0 ? unpruned : [])).map(\.x), including: [0]),
            y: AxisScale(covering: spent.map(\.y)), yIsPercent: true)
        var legend = [("best so far", ReportPalette.colour(0))]
        if saved > 0 {
            plot.series.append(
                SVGPlot.Series(
                    name: "the same trials without pruning", colour: ReportPalette.reference, style: .step,
                    points: unpruned))
            legend.append(("same trials, no early stopping or vetoes", ReportPalette.reference))
            if let last = unpruned.last {
                // Under the curves, at the unpruned cost's end: where the saving shows.
                let low = plot.y.lower + (plot.y.upper - plot.y.lower) * 0.06
                plot.notes.append((x: last.x, y: low, text: "\(saved) epochs saved"))
            }
        }
        plot.series.append(
            SVGPlot.Series(name: "best so far", colour: ReportPalette.colour(0), style: .step, points: spent))
        plot.series.append(
            SVGPlot.Series(
                name: "improvements", colour: ReportPalette.colour(0), style: .points, points: spent,
                labels: spent.map { "\(Self.percent($0.y)) after \(Int($0.x)) epochs" }))
        var caption = "Each step is a trial that beat the best so far."
        if saved > 0 {
            let total = Double(saved + run.epochsSpent)
            caption += " Pruning saved \(saved) epochs (\(Self.percent(Double(saved) / total)) of the unpruned cost)."
        }
        return Self.figure(plot, caption: caption, legend: legend)
    }

    private func accuracyOverTime() -> String {
        let shown = run.trials.filter { $0.wasTrained && $0.shownAccuracy != nil && $0.finishedAfter != nil }
        guard !shown.isEmpty else { return Self.empty("Accuracy of every trial over time", "No trial has ended yet.") }
        let (unit, seconds) = Self.timeUnit(forLongest: shown.compactMap(\.finishedAfter).max() ?? 0)
        let times = shown.map { ($0.finishedAfter ?? 0) / seconds }
        let phases = Self.orderedUnique(shown.map(\.phase))
        var plot = SVGPlot(
            title: "Accuracy of every trial over time, by strategy phase", xLabel: "\(unit) since the run started",
            yLabel: "validation accuracy", x: AxisScale(covering: times, including: [0]),
            y: AxisScale(covering: shown.compactMap(\.shownAccuracy)), yIsPercent: true)
        var legend: [(String, String)] = []
        for (index, phase) in phases.enumerated() {
            let colour = ReportPalette.colour(index)
            legend.append((phase, colour))
            for stopped in [false, true] {
                let members = shown.filter { $0.phase == phase && ($0.state == .stoppedEarly) == stopped }
                guard !members.isEmpty else { continue }
                plot.series.append(
                    SVGPlot.Series(
                        name: phase, colour: colour, style: stopped ? .hollowPoints : .points,
                        points: members.map { (x: ($0.finishedAfter ?? 0) / seconds, y: $0.shownAccuracy ?? 0) },
                        labels: members.map {
                            "trial \($0.id) (\($0.state.rawValue)): \(Self.percent($0.shownAccuracy ?? 0))"
                        }))
            }
        }
        return Self.figure(
            plot, caption: "Filled: trained to the budget (final accuracy). Hollow: stopped early (best seen).",
            legend: legend)
    }

    private func accuracyAgainstCost(flops: Bool) -> String {
        let name = flops ? "FLOPs (multiply-accumulates)" : "parameters"
        let shown = run.trials.compactMap { trial -> (ReportTrial, Double)? in
            guard trial.state == .completed, trial.reusedFrom == nil, trial.finalAccuracy != nil,
                let cost = flops ? trial.flops : trial.parameters, cost > 0
            else { return nil }
            return (trial, Double(cost))
        }
        guard !shown.isEmpty else {
            return Self.empty("Accuracy against \(name)", "No completed trial with a known \(name) count.")
        }
        let points = shown.map { (x: $0.1, y: $0.0.finalAccuracy ?? 0) }
        let front = ParetoFront.of(points.map { (cost: $0.x, accuracy: $0.y) }).map { (x: $0.cost, y: $0.accuracy) }
        var plot = SVGPlot(
            title: "Final accuracy against \(name), with the Pareto front", xLabel: "\(name) (log scale)",
            yLabel: "final validation accuracy", x: AxisScale(covering: points.map(\.x), kind: .logarithmic),
            y: AxisScale(covering: points.map(\.y)), yIsPercent: true)
        plot.series.append(
            SVGPlot.Series(
                name: "completed trials", colour: ReportPalette.colour(5), style: .points, points: points,
                labels: shown.map {
                    "trial \($0.0.id): \(Self.percent($0.0.finalAccuracy ?? 0)), \(AxisScale.label($0.1))"
                }))
        plot.series.append(
            SVGPlot.Series(name: "Pareto front", colour: ReportPalette.colour(3), style: .step, points: front))
        return Self.figure(
            plot,
            caption: "\(front.count) of \(points.count) networks are on the Pareto front (none smaller and better).",
            legend: [("completed trials", ReportPalette.colour(5)), ("Pareto front", ReportPalette.colour(3))])
    }

    /// One predictor's (predicted, actual) pairs: completed, trained trials that carry its prediction.
    private struct PredictorPairs {
        var name: String
        var colour: String
        var trials: [ReportTrial]
        var predicted: [Double]
        var actual: [Double]
        var agreement: PredictionAgreement { PredictionAgreement(predicted: predicted, actual: actual) }
    }

    private func predictions() -> String {
        let title = "Predicted against actual final accuracy"
        let completed = run.trials.filter { $0.state == .completed && $0.reusedFrom == nil && $0.finalAccuracy != nil }
        let sources: [(String, (ReportTrial) -> Prediction?)] = [
            (run.priorName.map { "prior (\($0))" } ?? "prior", \.priorPrediction),
            (run.stopRuleName.map { "stop rule (\($0))" } ?? "stop rule", \.stopPrediction),
        ]
        let predictors = sources.enumerated().compactMap { index, source -> PredictorPairs? in
            let (name, prediction) = source
            let trials = completed.filter { prediction($0) != nil }
            guard !trials.isEmpty else { return nil }
            return PredictorPairs(
                name: name, colour: ReportPalette.colour(index == 0 ? 1 : 4), trials: trials,
                predicted: trials.compactMap { prediction($0)?.accuracy }, actual: trials.compactMap(\.finalAccuracy))
        }
        guard !predictors.isEmpty else {
            let stopped = run.trials.filter { $0.stopPrediction != nil }.count
            let vetoed = run.trials.filter { $0.state == .vetoed }.count
            let note =
                stopped + vetoed > 0
                ? "\(stopped) trials stopped early and \(vetoed) vetoed carry predictions, but no completed trial has one "
                    + "to compare with its measured accuracy."
                : "No predictions were stored in this run (no prior or early-stopping predictor configured)."
            return Self.empty(title, note)
        }
        let everything = predictors.flatMap { $0.predicted + $0.actual }
        var plot = SVGPlot(
            title: title, xLabel: "predicted accuracy", yLabel: "actual final accuracy",
            x: AxisScale(covering: everything), y: AxisScale(covering: everything), xIsPercent: true, yIsPercent: true)
        let (low, high) = (everything.min() ?? 0, everything.max() ?? 1)
        plot.series.append(
            SVGPlot.Series(
                name: "perfect prediction", colour: ReportPalette.reference, style: .dashedLine,
                points: [(x: low, y: low), (x: high, y: high)]))
        var captions: [String] = []
        var attributes: [String] = []
        for (index, predictor) in predictors.enumerated() {
            plot.series.append(
                SVGPlot.Series(
                    name: predictor.name, colour: predictor.colour, style: .points,
                    points: zip(predictor.predicted, predictor.actual).map { (x: $0.0, y: $0.1) },
                    labels: zip(predictor.trials, predictor.predicted).map {
                        "trial \($0.0.id): predicted \(Self.percent($0.1)), measured \(Self.percent($0.0.finalAccuracy ?? 0))"
                    }))
            let agreement = predictor.agreement
            let tau = agreement.kendallTau.map { String(format: "%.3f", $0) } ?? "—"
            let r2 = agreement.rSquared.map { String(format: "%.3f", $0) } ?? "—"
            let versions = Set(
                predictor.trials.compactMap { (index == 0 ? $0.priorPrediction : $0.stopPrediction)?.modelVersion })
            let models = versions.isEmpty ? "" : ", models v\(versions.min() ?? 0)–v\(versions.max() ?? 0)"
            captions.append(
                "\(predictor.name): Kendall τ = \(tau), R² = \(r2) over \(agreement.count) completed trials\(models).")
            let key = index == 0 ? "prior" : "stop-rule"
            attributes.append("data-\(key)-kendall-tau=\"\(tau)\" data-\(key)-r-squared=\"\(r2)\"")
        }
        return Self.figure(
            plot, caption: captions.joined(separator: " "),
            legend: predictors.map { ($0.name, $0.colour) } + [("y = x", ReportPalette.reference)],
            attributes: attributes.joined(separator: " "))
    }

    /// A trial's curve as plot points at the epochs it reported.
    private static func curvePoints(of trial: ReportTrial) -> [(x: Double, y: Double)] {
        zip(trial.curveEpochs, trial.curve).map { (x: Double($0.0), y: $0.1) }
    }

    private func learningCurves() -> String {
        let top = Array(run.ranked.prefix(Self.curveCount))
        let stopped = Array(
            run.trials.filter { $0.state == .stoppedEarly && $0.wasTrained }
                .sorted { ($0.bestAccuracy ?? 0) > ($1.bestAccuracy ?? 0) }.prefix(Self.stoppedCurveCount))
        guard !(top.isEmpty && stopped.isEmpty) else {
            return Self.empty("Learning curves", "No trial has been trained yet.")
        }
        let curves = top + stopped
        let budget = curves.map(\.epochBudget).max() ?? 1
        var values = curves.flatMap(\.curve)
        values += stopped.compactMap { $0.stopPrediction?.accuracy }
        var plot = SVGPlot(
            title: "Learning curves of the best networks and of trials stopped early", xLabel: "epoch",
            yLabel: "validation accuracy", x: AxisScale(lower: 0.5, upper: Double(budget) + 0.5, isInteger: true),
            y: AxisScale(covering: values), yIsPercent: true)
        var legend: [(String, String)] = []
        for (index, trial) in top.enumerated() {
            let colour = ReportPalette.colour(index)
            plot.series.append(
                SVGPlot.Series(
                    name: "trial \(trial.id)", colour: colour, style: .line,
                    points: Self.curvePoints(of: trial)))
            legend.append(("#\(index + 1): trial \(trial.id) (\(Self.percent(trial.finalAccuracy ?? 0)))", colour))
        }
        for trial in stopped {
            let points = Self.curvePoints(of: trial)
            plot.series.append(
                SVGPlot.Series(
                    name: "trial \(trial.id) (stopped)", colour: ReportPalette.reference, style: .dashedLine,
                    points: points))
            let stopEpoch = trial.stoppedAtEpoch ?? trial.epochsDone
            if let last = points.last(where: { Int($0.x) <= stopEpoch }) ?? points.last {
                plot.series.append(
                    SVGPlot.Series(
                        name: "stop point", colour: ReportPalette.colour(3), style: .crosses, points: [last],
                        labels: ["trial \(trial.id) stopped after epoch \(stopEpoch)"]))
                if let predicted = trial.stopPrediction?.accuracy {
                    plot.series.append(
                        SVGPlot.Series(
                            name: "predicted final", colour: ReportPalette.colour(3), style: .hollowPoints,
                            points: [(x: Double(trial.epochBudget), y: predicted)],
                            labels: [
                                "trial \(trial.id): predicted \(Self.percent(predicted)) at epoch \(trial.epochBudget)"
                            ]))
                }
            }
        }
        if !stopped.isEmpty {
            legend.append(("stopped early (dashed), stop point ×, predicted final ○", ReportPalette.colour(3)))
        }
        return Self.figure(
            plot, caption: "The top \(top.count) completed networks and \(stopped.count) stopped early.",
            legend: legend)
    }

    // MARK: Tables

    private func vetoes() -> String {
        let vetoed = run.trials.filter { $0.state == .vetoed && $0.reusedFrom == nil }
        guard !vetoed.isEmpty else { return "" }
        let trained = Dictionary(
            run.ranked.map { ($0.canonicalNotation, $0) }, uniquingKeysWith: { first, _ in first })
        var rows = ""
        for trial in vetoed {
            let prediction =
                trial.priorPrediction.map { prediction in
                    Self.percent(prediction.accuracy) + (prediction.sigma.map { " ± " + Self.percent($0) } ?? "")
                        + (prediction.modelVersion.map { " (model v\($0))" } ?? "")
                } ?? "—"
            let audit = trained[trial.canonicalNotation].flatMap(\.finalAccuracy).map(Self.percent) ?? "not trained"
            rows +=
                "<tr><td class=\"number\">\(trial.id)</td><td><code>\(MarkupEscaping.escape(trial.notation))</code></td>"
                + "<td class=\"number\">\(prediction)</td><td class=\"number\">\(audit)</td>"
                + "<td>\(MarkupEscaping.escape(trial.failureReason ?? ""))</td></tr>\n"
        }
        return "<h3>Vetoed before training (\(vetoed.count))</h3>\n<div class=\"table\"><table>\n"
            + "<tr><th class=\"number\">trial</th><th>network</th><th class=\"number\">predicted</th>"
            + "<th class=\"number\">audited accuracy</th><th>reason</th></tr>\n" + rows + "</table></div>\n"
    }

    private func topArchitectures() -> String {
        let top = run.ranked.prefix(Self.tableCount)
        guard !top.isEmpty else { return "" }
        let hasTest = top.contains { $0.testAccuracy != nil }
        var text =
            "<h3>Top architectures</h3>\n<div class=\"table\"><table class=\"top\">\n"
            + "<tr><th class=\"number\">#</th><th class=\"number\">trial</th><th>network</th>"
            + "<th class=\"number\">params</th><th class=\"number\">FLOPs</th><th class=\"number\">accuracy</th>"
            + (hasTest ? "<th class=\"number\">test accuracy</th>" : "") + "</tr>\n"
        for (rank, trial) in top.enumerated() {
            text +=
                "<tr><td class=\"number\">\(rank + 1)</td><td class=\"number\">\(trial.id)</td>"
                + "<td><code>\(MarkupEscaping.escape(trial.notation))</code></td>"
                + "<td class=\"number\">\(trial.parameters.map { AxisScale.label(Double($0)) } ?? "—")</td>"
                + "<td class=\"number\">\(trial.flops.map { AxisScale.label(Double($0)) } ?? "—")</td>"
                + "<td class=\"number\">\(Self.percent(trial.finalAccuracy ?? 0))</td>"
                + (hasTest ? "<td class=\"number\">\(trial.testAccuracy.map(Self.percent) ?? "—")</td>" : "")
                + "</tr>\n"
        }
        return text + "</table></div>\n"
    }

    /// The final phase, apart from the search: each retrained network's search accuracy, then its
    /// validation and test accuracy as mean ± sd over the seeds that completed.
    private func finalPhase() -> String {
        guard !run.finalPhase.isEmpty else { return "" }
        func meanAndDeviation(_ mean: Double?, _ deviation: Double?) -> String {
            mean.map { Self.percent($0) + " ± " + Self.percent(deviation ?? 0) } ?? "—"
        }
        var text =
            "<h3>Final phase: the best networks retrained</h3>\n<div class=\"table\"><table class=\"final\">\n"
            + "<tr><th class=\"number\">search trial</th><th>network</th><th class=\"number\">search accuracy</th>"
            + "<th class=\"number\">seeds</th><th class=\"number\">validation (mean ± sd)</th>"
            + "<th class=\"number\">test (mean ± sd)</th></tr>\n"
        for result in run.finalPhase {
            text +=
                "<tr><td class=\"number\">\(result.searchTrial)</td>"
                + "<td><code>\(MarkupEscaping.escape(result.notation))</code></td>"
                + "<td class=\"number\">\(result.searchAccuracy.map(Self.percent) ?? "—")</td>"
                + "<td class=\"number\">\(result.completed)/\(result.trials)</td>"
                + "<td class=\"number\">\(meanAndDeviation(result.validationMean, result.validationStandardDeviation))</td>"
                + "<td class=\"number\">\(meanAndDeviation(result.testMean, result.testStandardDeviation))</td></tr>\n"
        }
        return text + "</table></div>\n"
    }

    // MARK: Pieces

    /// A figure: the plot, its legend and its caption.
    static func figure(
        _ plot: SVGPlot, caption: String, legend: [(String, String)], attributes: String = ""
    ) -> String {
        let items = legend.map { name, colour in
            "<li><span class=\"swatch\" style=\"background:\(MarkupEscaping.escape(colour))\"></span>"
                + MarkupEscaping.escape(name) + "</li>"
        }.joined()
        let extra = attributes.isEmpty ? "" : " " + attributes
        return "<figure\(extra)>\n<h3>\(MarkupEscaping.escape(plot.title))</h3>\n\(plot.render())\n"
            + (items.isEmpty ? "" : "<ul class=\"legend\">\(items)</ul>\n")
            + "<figcaption>\(MarkupEscaping.escape(caption))</figcaption>\n</figure>\n"
    }

    /// A figure with nothing to draw yet: its title and why.
    static func empty(_ title: String, _ note: String) -> String {
        "<figure class=\"empty\">\n<h3>\(MarkupEscaping.escape(title))</h3>\n<p class=\"muted\">\(MarkupEscaping.escape(note))</p>\n</figure>\n"
    }

    /// Seconds, minutes or hours, whichever keeps a run's duration between about 2 and 200.
    static func timeUnit(forLongest duration: Double) -> (name: String, seconds: Double) {
        if duration < 180 { return ("seconds", 1) }
        if duration < 3 * 3600 { return ("minutes", 60) }
        return ("hours", 3600)
    }

    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
