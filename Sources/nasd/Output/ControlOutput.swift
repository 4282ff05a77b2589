import Foundation
import NASDaemon
import NASStore

/// The human forms of the control views: tables and detail blocks.
enum ControlOutput {
    /// `nasd status`: one row per run.
    static func runTable(_ runs: [RunStatusView]) -> String {
        if runs.isEmpty { return "no runs" }
        var table = TextTable(columns: [
            "run", "state", "strategy", "phase", "done", "running", "queued", "stopped", "vetoed", "failed", "best",
            "epochs", "saved",
        ])
        for run in runs {
            if run.error != nil {
                table.add([run.name, "unreadable", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"])
                continue
            }
            table.add([
                run.name, run.state.rawValue, run.strategy, run.phase, "\(run.counts.completed)",
                "\(run.counts.running)", "\(run.counts.queued)", "\(run.counts.stoppedEarly)", "\(run.counts.vetoed)",
                "\(run.counts.failed)", accuracy(run.best?.accuracy), "\(run.epochsSpent)",
                "\(run.epochsSaved)",
            ])
        }
        let errors = runs.compactMap { run in run.error.map { "error: run '\(run.name)': \($0)" } }
        return ([render(table)] + errors).joined(separator: "\n")
    }

    /// `nasd status RUN`: one run in detail.
    static func runDetail(_ run: RunStatusView) -> String {
        // The trials trained here, as `nasd run`'s progress counts them; the duplicates answered
        // from one of them are counted apart (a store from before the split has only all rows).
        let counts = run.trained ?? run.counts
        let reuses = run.trained == nil ? " (\(run.counts.reused) of them reused)" : ""
        var lines = ["run \(run.name): \(run.state.rawValue)" + (run.finishReason.map { " (\($0))" } ?? "")]
        lines.append("strategy:  \(run.strategy), phase: \(run.phase)")
        lines.append(
            "trials:    \(counts.completed) done, \(counts.running) running, \(counts.queued) queued, "
                + "\(counts.stoppedEarly) stopped early, \(counts.vetoed) vetoed, \(counts.incomplete) incomplete, "
                + "\(counts.failed) failed, \(counts.cancelled) cancelled\(reuses); "
                + "\(run.counts.reused) duplicates answered from them (\(run.counts.total) in all)")
        if let best = run.best {
            lines.append("best:      \(accuracy(best.accuracy)) (trial \(best.trial)) \(best.notation)")
        } else {
            lines.append("best:      none yet")
        }
        if let results = run.finalPhase {
            lines.append("final phase (reported apart from the search):")
            lines.append(contentsOf: finalPhaseTable(results).split(separator: "\n").map { "  " + $0 })
        }
        lines.append("workers:   " + (run.workers.isEmpty ? "none" : run.workers.joined(separator: ", ")))
        lines.append(
            "epochs:    \(run.epochsSpent) spent, \(run.epochsSaved) saved by early stopping "
                + "(\(counts.stoppedEarly) trial\(counts.stoppedEarly == 1 ? "" : "s") stopped)")
        if let prior = run.prior {
            lines.append("prior:     " + priorFigures(prior))
        }
        lines.append("created:   \(time(run.createdAt)), updated \(time(run.updatedAt))")
        if !run.configuration.isEmpty {
            lines.append("configuration:")
            lines += run.configuration.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The prior's line of `nasd status RUN`.
    static func priorFigures(_ prior: PriorFiguresView) -> String {
        let tau = prior.kendallTau.map { String(format: "%.3f", $0) } ?? "-"
        return "\(prior.vetoed) vetoed; \(prior.audited) audited veto\(prior.audited == 1 ? "" : "es"), "
            + "\(prior.auditedInTopDecile) of \(prior.auditedCompleted) completed in the top 10 %; "
            + "Kendall τ \(tau) on \(prior.tauTrials) trained"
    }

    /// `nasd trials RUN`: one row per trial.
    static func trialTable(_ trials: [TrialView]) -> String {
        if trials.isEmpty { return "no trials" }
        return render(trialRows(trials))
    }

    /// One page of `nasd trials RUN`'s table: the header only on the first page, and columns at
    /// least as wide as the pages before (`widths`, updated), so pages printed as they arrive line up.
    static func trialTablePage(_ trials: [TrialView], first: Bool, widths: inout [Int]) -> String {
        let (text, used) = trialRows(trials).render(header: first, minimumWidths: widths)
        widths = used
        return trimmed(text)
    }

    private static func trialRows(_ trials: [TrialView]) -> TextTable {
        var table = TextTable(columns: [
            "id", "state", "epochs", "accuracy", "predicted", "tries", "worker", "phase", "architecture", "note",
        ])
        for trial in trials {
            table.add([
                "\(trial.id)", trial.state.rawValue, "\(trial.epochsDone)/\(trial.epochBudget)",
                accuracy(trial.finalAccuracy ?? trial.bestAccuracy), prediction(trial), "\(trial.attempts)",
                trial.worker ?? "-", trial.phase ?? "-", trial.notation, note(trial),
            ])
        }
        return table
    }

    /// `nasd best RUN`: the best trial in detail, then the ranking.
    static func best(_ all: [TrialView], run: String) -> String {
        let trials = all.filter { $0.finalOf == nil }
        let final = all.filter { $0.finalOf != nil }
        guard let winner = trials.first else {
            return "no completed trial yet" + (run.isEmpty ? "" : " in run \(run)")
        }
        var lines = [
            "best trial: \(winner.id), accuracy \(accuracy(winner.finalAccuracy))",
            "architecture:    \(winner.notation)",
            "canonical:       \(winner.canonicalNotation)",
            "hyperparameters: " + hyperparameters(winner.hyperparameters),
            "epochs:          \(winner.epochsDone)",
        ]
        if let curve = winner.curve, !curve.isEmpty {
            // A trainer that skips epochs: each value with its epoch (`4:61.2%`).
            let epochs = winner.curveEpochs ?? Array(1...curve.count)
            let everyEpoch = epochs == Array(1...curve.count)
            lines.append(
                "curve:           "
                    + zip(epochs, curve).map { everyEpoch ? accuracy($0.1) : "\($0.0):\(accuracy($0.1))" }
                    .joined(separator: " "))
        }
        if trials.count > 1 {
            var table = TextTable(columns: ["rank", "id", "accuracy", "epochs", "architecture"])
            for (index, trial) in trials.enumerated() {
                table.add([
                    "\(index + 1)", "\(trial.id)", accuracy(trial.finalAccuracy), "\(trial.epochsDone)",
                    trial.notation,
                ])
            }
            lines += ["", render(table)]
        }
        if !final.isEmpty {
            let searchTrials = Dictionary(trials.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            lines += [
                "", "final phase (retrained after the search; completed seeds):",
                finalPhaseTable(FinalPhaseResult.aggregate(final, searchTrials: searchTrials)),
            ]
        }
        return lines.joined(separator: "\n")
    }

    /// The final phase, one row per retrained network: its search accuracy, then validation and
    /// test accuracy as mean ± sd over its completed seeds.
    static func finalPhaseTable(_ results: [FinalPhaseResult]) -> String {
        var table = TextTable(columns: [
            "search trial", "search acc", "seeds", "val (mean ± sd)", "test (mean ± sd)", "architecture",
        ])
        for result in results {
            table.add([
                "\(result.searchTrial)", accuracy(result.searchAccuracy), "\(result.completed)/\(result.trials)",
                meanAndDeviation(result.validationMean, result.validationStandardDeviation),
                meanAndDeviation(result.testMean, result.testStandardDeviation), result.notation,
            ])
        }
        return render(table)
    }

    private static func meanAndDeviation(_ mean: Double?, _ deviation: Double?) -> String {
        guard let mean else { return "-" }
        return accuracy(mean) + " ± " + accuracy(deviation ?? 0)
    }

    /// `nasd workers`: one row per connected worker.
    static func workerTable(_ workers: [WorkerView]) -> String {
        if workers.isEmpty { return "no workers connected" }
        var table = TextTable(columns: ["id", "host", "busy", "gpus", "connected", "jobs"])
        for worker in workers {
            table.add([
                worker.id, worker.hostname, "\(worker.busySlots)/\(worker.slots)",
                worker.gpus.isEmpty ? "-" : worker.gpus.map(String.init).joined(separator: ","),
                time(worker.connectedSince),
                worker.jobs.isEmpty ? "-" : worker.jobs.map { "\($0.run)#\($0.trial)" }.joined(separator: ", "),
            ])
        }
        return render(table)
    }

    /// `nasd logs RUN TRIAL`: the lines, with a note when older ones were left out.
    static func log(_ log: TrialLogView) -> String {
        var lines: [String] = []
        if log.isTruncated {
            lines.append("[older lines left out: the log exceeds \(TrialLogView.maximumBytes / 1024) KiB]")
        }
        lines += log.lines
        return lines.joined(separator: "\n")
    }

    /// The table's text without the spaces that pad an empty last cell.
    private static func render(_ table: TextTable) -> String {
        trimmed(table.render())
    }

    /// Text with the trailing spaces of each line removed.
    private static func trimmed(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in line.lastIndex { $0 != " " }.map { line[...$0] } ?? "" }
            .joined(separator: "\n")
    }

    /// An accuracy with four decimals, or `-`.
    static func accuracy(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "-"
    }

    /// A Unix time as `2024-05-01T12:00:00Z`.
    static func time(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }

    /// The stop rule's prediction (`stop 0.71 ± 0.02 @3`) and the prior's (`prior 0.65`), apart.
    private static func prediction(_ trial: TrialView) -> String {
        var parts: [String] = []
        if let stop = trial.stopPrediction {
            parts.append("stop " + predicted(stop) + (trial.stoppedAtEpoch.map { " @\($0)" } ?? ""))
        }
        if let prior = trial.priorPrediction { parts.append("prior " + predicted(prior)) }
        return parts.isEmpty ? "-" : parts.joined(separator: ", ")
    }

    private static func predicted(_ prediction: Prediction) -> String {
        accuracy(prediction.accuracy) + (prediction.sigma.map { " ± " + String(format: "%.4f", $0) } ?? "")
            + (prediction.modelVersion.map { " (model \($0))" } ?? "")
    }

    private static func note(_ trial: TrialView) -> String {
        if let reusedFrom = trial.reusedFrom { return "reuses \(reusedFrom)" }
        return trial.failureReason ?? ""
    }

    private static func hyperparameters(_ values: [String: Double]) -> String {
        if values.isEmpty { return "none" }
        return values.keys.sorted().map { key in "\(key)=\(values[key].map { "\($0)" } ?? "")" }
            .joined(separator: ", ")
    }
}
