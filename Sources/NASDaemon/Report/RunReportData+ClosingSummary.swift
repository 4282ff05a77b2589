import Foundation

extension RunReportData {
    /// The lines `nasd run` prints when a run ends: the top architectures, the epochs spent against
    /// the same search without pruning, the final phase's results (when it had one), and where the
    /// report is.
    ///
    /// - Parameters:
    ///   - top: How many architectures to list.
    ///   - reportPath: The report's path, when one was written.
    public func closingSummary(top: Int = 5, reportPath: String?) -> [String] {
        var lines: [String] = []
        let best = ranked.prefix(top)
        if best.isEmpty {
            lines.append("no trial was trained to its budget")
        } else {
            lines.append("top \(best.count) of \(ranked.count) trained architectures:")
            for (rank, trial) in best.enumerated() {
                let accuracy = trial.finalAccuracy.map(SearchProgress.percent) ?? "—"
                let size = trial.parameters.map { " · \(Self.compact($0)) params" } ?? ""
                lines.append("  \(rank + 1). \(accuracy)  trial \(trial.id)\(size)  \(trial.notation)")
            }
        }
        let withoutPruning = epochsSpent + epochsSavedByStopping + epochsSavedByVetoes
        var epochs = "epochs: \(epochsSpent) spent; the same search without pruning: \(withoutPruning)"
        if withoutPruning > 0 {
            let saved = withoutPruning - epochsSpent
            epochs += String(format: " (%d saved, %.1f%%)", saved, Double(saved) / Double(withoutPruning) * 100)
        }
        if stopRuleName == nil && priorName == nil {
            epochs += "; no early stopping or prior configured"
        }
        if epochsSavedByReuse > 0 {
            epochs += "; \(epochsSavedByReuse) more not spent on \(counts.reused) reused duplicates"
        }
        lines.append(epochs)
        if !finalPhase.isEmpty {
            lines.append("final phase (the best networks retrained, apart from the search):")
            for result in finalPhase {
                func meanAndDeviation(_ mean: Double?, _ deviation: Double?) -> String {
                    mean.map { SearchProgress.percent($0) + " ± " + SearchProgress.percent(deviation ?? 0) } ?? "—"
                }
                lines.append(
                    "  trial \(result.searchTrial): validation "
                        + meanAndDeviation(result.validationMean, result.validationStandardDeviation)
                        + (result.testMean == nil
                            ? "" : ", test " + meanAndDeviation(result.testMean, result.testStandardDeviation))
                        + " (\(result.completed) of \(result.trials) seeds)  \(result.notation)")
            }
        }
        if let reportPath { lines.append("report: \(reportPath)") }
        return lines
    }

    /// `1.2M`, `340k`, `912`.
    private static func compact(_ count: Int) -> String {
        switch count {
        case 1_000_000...: return String(format: "%.1fM", Double(count) / 1e6)
        case 10_000...: return "\(count / 1000)k"
        default: return "\(count)"
        }
    }
}
