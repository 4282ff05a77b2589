import Foundation
import NASConfig
import NASStore

/// Where a search stands, in the words `nasd run` shows while it runs: how many trials were
/// trained, are running, were stopped early, vetoed or reused; the strategy's phase; the best so
/// far; epochs spent and saved; elapsed time and an estimate of what remains.
///
/// Every count says what it counts: `trained` is trials trained to their budget by a worker, never
/// a reused result; `reused` is trials that took an identical earlier trial's result instead.
/// Built from a status view; pure (the caller passes the elapsed time).
public struct SearchProgress: Hashable, Sendable {
    /// The run's name.
    public var run: String
    /// The strategy's kind.
    public var strategy: String
    /// The strategy's phase in its own words (`ε=0.5, 3/5 models (step 6 of 10)`, a generation, a bracket).
    public var phase: String
    /// Trials trained to their budget (or to a trainer's natural end) by a worker; no reused result.
    public var trained: Int
    /// Trials on a worker now.
    public var running: Int
    /// Trials waiting for a worker.
    public var queued: Int
    /// Trials stopped by early stopping (trained part of their budget).
    public var stoppedEarly: Int
    /// Trials rejected by the prior before training.
    public var vetoed: Int
    /// Trials that reused an identical earlier trial's result instead of training.
    public var reused: Int
    /// Trials that failed (attempts exhausted, timeouts, trainer errors).
    public var failed: Int
    /// Final-phase trials (`final:`) completed, and in all; they are not search trials, so
    /// `trained` leaves them out.
    public var finalPhaseCompleted = 0
    public var finalPhaseTrials = 0
    /// The trials the search will decide on, when known: `end.max_trials`, else MetaQNN's schedule.
    public var plannedTrials: Int?
    /// Whether vetoed trials count toward `plannedTrials` (false for MetaQNN's schedule when vetoes
    /// teach it nothing: `prior.reward_vetoed: false`).
    public var vetoesCountTowardPlan: Bool
    /// The best completed trial.
    public var best: BestTrialSummary?
    /// Epochs trained over all trials.
    public var epochsSpent: Int
    /// Epochs not trained thanks to early stopping and vetoes.
    public var epochsSavedByPruning: Int
    /// Epochs not trained because a result was reused.
    public var epochsSavedByReuse: Int
    /// Seconds since this view's observer started.
    public var elapsedSeconds: Double
    /// Seconds the search still needs at the pace seen so far; nil before there is a pace.
    public var remainingSeconds: Double?

    /// Builds the progress of a run from its status view alone (its tallies: the same cost at any
    /// number of trials).
    ///
    /// - Parameters:
    ///   - status: The run's status view; a view without `trained` (from an older daemon) counts
    ///     every trial as trained here.
    ///   - plannedTrials: `SearchProgress.plannedTrials(of:)` of the run's configuration.
    ///   - elapsedSeconds: Seconds since the observer started.
    ///   - evaluatedAtStart: `evaluated` when the observer started (a resumed run has some already),
    ///     so the pace counts only what this observer saw.
    public init(
        status: RunStatusView, plannedTrials: Int?, elapsedSeconds: Double, evaluatedAtStart: Int = 0,
        vetoesCountTowardPlan: Bool = true
    ) {
        run = status.name
        strategy = status.strategy
        phase = status.phase
        let own = status.trained ?? status.counts
        finalPhaseCompleted = status.finalPhase?.reduce(0) { $0 + $1.completed } ?? 0
        finalPhaseTrials = status.finalPhase?.reduce(0) { $0 + $1.trials } ?? 0
        trained = own.completed + own.incomplete - finalPhaseCompleted
        running = own.running
        queued = own.queued
        stoppedEarly = own.stoppedEarly
        vetoed = own.vetoed
        failed = own.failed
        reused = status.counts.reused
        self.plannedTrials = plannedTrials
        self.vetoesCountTowardPlan = vetoesCountTowardPlan
        best = status.best
        epochsSpent = status.epochsSpent
        epochsSavedByPruning = status.epochsSaved + (status.epochsSavedByVetoes ?? 0)
        epochsSavedByReuse = status.epochsSavedByReuse ?? 0
        self.elapsedSeconds = elapsedSeconds
        remainingSeconds = nil
        if let planned = plannedTrials, planned > 0, status.state == .active {
            let evaluatedNow = evaluatedTowardPlan - evaluatedAtStart
            let left = max(0, planned - evaluatedTowardPlan)
            if evaluatedNow > 0 && elapsedSeconds > 0 {
                remainingSeconds = elapsedSeconds / Double(evaluatedNow) * Double(left)
            }
        }
    }

    /// Trials evaluated: trained, stopped early, vetoed or failed (reuses excluded).
    public var evaluated: Int { trained + stoppedEarly + vetoed + failed }

    /// The evaluated trials that count toward `plannedTrials`: all of them, or all but the vetoed
    /// ones when vetoes do not count toward the plan.
    public var evaluatedTowardPlan: Int { vetoesCountTowardPlan ? evaluated : evaluated - vetoed }

    /// The epochs the same trials would have cost without early stopping and vetoes.
    public var epochsWithoutPruning: Int { epochsSpent + epochsSavedByPruning }

    /// Whether a vetoed trial counts toward `plannedTrials(of:)`: it does toward `end.max_trials`
    /// (every trial the strategy proposed counts), not toward MetaQNN's ε schedule unless
    /// `prior.reward_vetoed` makes the veto one of its networks.
    public static func vetoesCountTowardPlan(of configuration: RunConfiguration) -> Bool {
        guard case .metaQNN(let options) = configuration.strategy, let prior = configuration.prior else { return true }
        if let limit = configuration.end.maxTrials, limit < options.totalModels { return true }
        return prior.rewardVetoed
    }

    /// The trials a configuration's search will decide on, when it says: `end.max_trials`, else
    /// the unique networks of MetaQNN's ε schedule, else an evolution's population plus
    /// its cycles (without a predictor).
    public static func plannedTrials(of configuration: RunConfiguration) -> Int? {
        var natural: Int?
        switch configuration.strategy {
        case .metaQNN(let options): natural = options.totalModels
        case .evolution(let options) where options.predictor == .none: natural = options.population + options.cycles
        case .random, .evolution, .hyperband: natural = nil
        }
        switch (configuration.end.maxTrials, natural) {
        case (let limit?, let natural?): return min(limit, natural)
        case (let limit?, nil): return limit
        case (nil, let natural): return natural
        }
    }

    /// The block shown on a terminal, one line per topic, redrawn in place.
    public var terminalLines: [String] {
        var lines = ["\(run) · \(strategy) · \(phase)"]
        lines.append("trials   " + trialParts.joined(separator: " · "))
        if let best {
            lines.append("best     \(Self.percent(best.accuracy)) (trial \(best.trial)) \(best.notation)")
        } else {
            lines.append("best     none yet")
        }
        lines.append("epochs   " + epochParts.joined(separator: " · "))
        lines.append("time     " + timeParts.joined(separator: " · "))
        return lines
    }

    /// One plain log line, for output that is not a terminal.
    public var logLine: String {
        var parts = ["\(run): \(phase)"] + trialParts + epochParts
        if let best { parts.append("best \(Self.percent(best.accuracy)) (trial \(best.trial))") }
        parts += timeParts
        return parts.joined(separator: " · ")
    }

    private var trialParts: [String] {
        var parts = ["\(trained) trained"]
        parts.append("\(running) running")
        if queued > 0 { parts.append("\(queued) queued") }
        parts.append("\(stoppedEarly) stopped early")
        parts.append("\(vetoed) vetoed")
        parts.append("\(reused) reused (duplicates, not retrained)")
        if failed > 0 { parts.append("\(failed) failed") }
        if finalPhaseTrials > 0 { parts.append("final phase: \(finalPhaseCompleted) of \(finalPhaseTrials) retrained") }
        return parts
    }

    private var epochParts: [String] {
        ["\(epochsSpent) epochs spent", "\(epochsSavedByPruning) saved by pruning", "\(epochsSavedByReuse) by reuse"]
    }

    private var timeParts: [String] {
        var parts = ["\(Self.duration(elapsedSeconds)) elapsed"]
        if let plannedTrials {
            // An asynchronous search proposes while its last results are out, so it may evaluate
            // a few more than planned: said as such, not "209 of 200".
            let evaluated =
                evaluatedTowardPlan <= plannedTrials
                ? "\(evaluatedTowardPlan) of \(plannedTrials) planned trials evaluated"
                : "\(evaluatedTowardPlan) trials evaluated, \(plannedTrials) planned "
                    + "(\(evaluatedTowardPlan - plannedTrials) proposed while the last results were out)"
            parts.append(evaluated + (vetoesCountTowardPlan || vetoed == 0 ? "" : " (vetoes not counted)"))
        }
        if let remainingSeconds {
            parts.append(remainingSeconds > 0 ? "about \(Self.duration(remainingSeconds)) left" : "finishing")
        }
        return parts
    }

    /// `83.25%`.
    public static func percent(_ value: Double) -> String {
        String(format: "%.2f%%", value * 100)
    }

    /// `0:42`, `12:05`, `3:02:10`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(max(0, seconds).rounded())
        let (hours, minutes, rest) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
