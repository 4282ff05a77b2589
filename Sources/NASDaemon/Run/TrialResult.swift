import NASSearch

/// A trial's outcome with the epoch of each point of its curve, so that it can answer a proposal
/// for fewer epochs than it was trained for (its curve cut at that budget).
struct TrialResult {
    var outcome: TrialOutcome
    /// The epoch of each curve point (curves may be sparse: NAS-Bench-101 records 4, 12, 36, 108).
    var epochs: [Int]

    /// The outcome a proposal for `budget` epochs gets, or nil when the trial has not reached it
    /// yet (completed at a smaller budget: it must be promoted first).
    func answer(forBudget budget: Int) -> TrialOutcome? {
        switch outcome {
        case .completed(let curve):
            let reached = epochs.last ?? curve.count
            guard reached >= budget else { return nil }
            return reached == budget ? outcome : .completed(curve: cut(curve, at: budget))
        case .stoppedEarly(let curve, _, _):
            let reached = epochs.last ?? curve.count
            // Stopped after the budget asked for: it did reach that budget.
            return reached >= budget ? .completed(curve: cut(curve, at: budget)) : outcome
        case .vetoed, .failed:
            return outcome
        }
    }

    private func cut(_ curve: [Double], at budget: Int) -> [Double] {
        let numbers = epochs.count == curve.count ? epochs : Array(stride(from: 1, through: curve.count, by: 1))
        return zip(numbers, curve).filter { $0.0 <= budget }.map(\.1)
    }
}
