import Foundation
import NASConfig
import NASProtocol
import NASStore

/// Builds the control socket's read-only views from a run's store.
///
/// The daemon calls these on the run's `StoreExecutor` queue (with the `LiveRunInfo` only it
/// knows); `OfflineControl` calls them on a store it opened itself. Both therefore answer
/// `status`, `trials`, `best` and `logs` with the same payloads.
public enum RunViews {
    /// How many trials `best` lists by default.
    public static let defaultBestCount = 10

    /// A run's status.
    ///
    /// - Parameters:
    ///   - store: The run's store.
    ///   - live: What the daemon knows about the run; `nil` offline, which reads the strategy's kind
    ///     from the stored configuration and shows the phase `not running` and no workers.
    /// - Returns: The view.
    /// - Throws: `RunStoreError.runNotCreated` when the store holds no run; `DatabaseError`.
    public static func status(of store: RunStore, live: LiveRunInfo? = nil) throws -> RunStatusView {
        guard let run = try store.run() else {
            throw RunStoreError.runNotCreated(path: store.database.path)
        }
        let configuration = try? RunConfiguration(
            yaml: run.configurationText, file: store.runDirectory.appendingPathComponent(RunStore.fileName).path)
        // Counts from the tallies the store keeps: the same cost at any number of trials.
        let tallies = try store.tallies()
        let best = try store.bestTrial().flatMap { trial in
            trial.finalAccuracy.map { accuracy in
                BestTrialSummary(
                    trial: trial.id.rawValue, accuracy: accuracy, notation: trial.proposedNotation,
                    canonicalNotation: trial.canonicalNotation)
            }
        }
        let finalPhase = try store.finalPhase() == nil ? nil : FinalPhaseResult.results(of: store)
        return RunStatusView(
            name: run.name, state: run.state, finishReason: run.finishReason,
            strategy: live?.strategy ?? configuration?.strategy.kindName ?? "unknown",
            phase: live?.phase ?? LiveRunInfo.notRunningPhase,
            counts: TrialCountsView(counts: tallies.counts, reused: tallies.reused), best: best,
            workers: (live?.workers ?? []).sorted(), epochsSpent: tallies.epochsTrained,
            epochsSaved: tallies.epochsSaved, createdAt: run.createdAt.timeIntervalSince1970,
            updatedAt: run.updatedAt.timeIntervalSince1970,
            configuration: configuration?.summary ?? [],
            prior: try priorFigures(of: store, configuration: configuration, tallies: tallies),
            finalPhase: finalPhase,
            trained: TrialCountsView(counts: tallies.trainedCounts, reused: 0),
            epochsSavedByVetoes: tallies.states[.vetoed]?.trainedBudget ?? 0,
            epochsSavedByReuse: TrialState.allCases.filter(\.hasReusableResult)
                .reduce(0) { $0 + (tallies.states[$1]?.reusedBudget ?? 0) })
    }

    /// The prior's figures, for a run judged by a prior (configured, or with vetoes or prior
    /// predictions stored). They are computed over every trial, so only such runs pay for reading
    /// them all. Only a prior stores predictions, so the store is searched for them (a scan of the
    /// whole table: 14 ms at 50,000 trials, on every status poll) only when the configuration
    /// cannot say, as for a store whose configuration this build no longer reads.
    private static func priorFigures(
        of store: RunStore, configuration: RunConfiguration?, tallies: TrialTallies
    ) throws -> PriorFiguresView? {
        let judged =
            try configuration?.prior != nil || (tallies.counts[.vetoed] ?? 0) > 0
            || (configuration == nil && store.hasPriorPredictions())
        guard judged else { return nil }
        return PriorFiguresView(
            trials: try store.trials(), audited: Set(try store.trialIDs(withEvent: DaemonCore.auditedVetoEvent)))
    }

    /// A run's trials, or one page of them.
    ///
    /// - Parameters:
    ///   - store: The run's store.
    ///   - state: Only trials in this state; `nil` for all.
    ///   - order: The order (proposal order by default).
    ///   - limit: At most this many; `nil` for all.
    ///   - offset: How many of the ordered trials to skip.
    ///   - detail: Whether to include each trial's curve.
    /// - Throws: `DatabaseError`, `RunStoreError.corruptValue`.
    public static func trials(
        of store: RunStore, state: TrialState? = nil, order: TrialOrder = .id, limit: Int? = nil, offset: Int = 0,
        detail: Bool = false
    ) throws -> [TrialView] {
        try store.trials(in: state.map { [$0] }, order: order, limit: limit, offset: offset).map { record in
            TrialView(record: record, curve: detail ? try store.curvePoints(of: record.id) : nil)
        }
    }

    /// One trial in detail (with its curve), or `nil` when the run has no such trial.
    ///
    /// - Throws: `DatabaseError`, `RunStoreError.corruptValue`.
    public static func trial(_ id: TrialID, of store: RunStore) throws -> TrialView? {
        try store.trial(id).map { TrialView(record: $0, curve: try store.curvePoints(of: $0.id)) }
    }

    /// The best completed search trials, highest final accuracy first (the earliest on ties); the
    /// first carries its curve. Trials that reused another's result are left out (the original is
    /// listed), so an architecture appears once. Then every completed final-phase trial (marked by
    /// `finalOf`, with its `testAccuracy` when the trainer reported one), in id order: they are
    /// reported apart from the search's, never ranked with them.
    ///
    /// - Parameters:
    ///   - store: The run's store.
    ///   - limit: How many to list.
    /// - Throws: `DatabaseError`, `RunStoreError.corruptValue`.
    public static func best(of store: RunStore, limit: Int = defaultBestCount) throws -> [TrialView] {
        let search = try store.bestTrials(limit: limit).enumerated().map { index, record in
            TrialView(record: record, curve: index == 0 ? try store.curvePoints(of: record.id) : nil)
        }
        return search + (try FinalPhaseResult.completedTrials(of: store))
    }

    /// A trial's log, read from the run directory's `logs/<id>.log`.
    ///
    /// - Parameters:
    ///   - trial: The trial's id.
    ///   - store: The run's store (for the run's name and directory, and to check the trial exists).
    ///   - tail: Keep only the last lines; `nil` for all (up to `TrialLogView.maximumBytes`).
    /// - Returns: The view, or `nil` when the run has no such trial.
    /// - Throws: `DatabaseError`, or the file system's error when the log cannot be read.
    public static func log(of trial: TrialID, in store: RunStore, tail: Int?) throws -> TrialLogView? {
        guard try store.trial(trial) != nil, let run = try store.run() else { return nil }
        return try TrialLogView.read(
            file: StateDirectoryLayout.logFile(runDirectory: store.runDirectory, trial: trial), run: run.name,
            trial: trial.rawValue, tail: tail)
    }

    /// Answers a read-only request about one run from its store: `status` (one run), `trials`,
    /// `best` and `logs`; every other request gets an `invalidRequest` error.
    ///
    /// The run named in the request is not checked against the store: the caller chose the store.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - store: The run's store.
    ///   - live: What the daemon knows about the run, if it is running.
    /// - Returns: `.ok` with the view, or `.error` (`notFound` for an unknown trial, `invalidRequest`
    ///   for a bad trial id or state name, `internal` for a store failure).
    public static func response(to request: ControlRequest, from store: RunStore, live: LiveRunInfo? = nil)
        -> ControlResponse
    {
        do {
            switch request {
            case .status:
                return .ok(try JSONValue(encoding: status(of: store, live: live)))
            case .trials(_, let stateName, let page):
                var state: TrialState?
                if let stateName {
                    guard let parsed = trialState(named: stateName) else {
                        let names = TrialState.allCases.map(\.rawValue).joined(separator: ", ")
                        return .error(
                            ControlError(
                                code: .invalidRequest, message: "unknown trial state '\(stateName)' (one of: \(names))")
                        )
                    }
                    state = parsed
                }
                var order = TrialOrder.id
                if let sortName = page.sort {
                    guard let parsed = trialOrder(named: sortName) else {
                        let names = TrialOrder.allCases.map(\.rawValue).joined(separator: ", ")
                        return .error(
                            ControlError(
                                code: .invalidRequest, message: "unknown trial order '\(sortName)' (one of: \(names))"))
                    }
                    order = parsed
                }
                if let limit = page.limit, limit < 0 {
                    return .error(ControlError(code: .invalidRequest, message: "limit must be 0 or more, not \(limit)"))
                }
                if let offset = page.offset, offset < 0 {
                    return .error(
                        ControlError(code: .invalidRequest, message: "offset must be 0 or more, not \(offset)"))
                }
                return .ok(
                    try JSONValue(
                        encoding: trials(
                            of: store, state: state, order: order, limit: page.limit, offset: page.offset ?? 0)))
            case .best:
                return .ok(try JSONValue(encoding: best(of: store)))
            case .logs(let run, let trialText, let tail):
                guard let id = trialID(named: trialText) else {
                    return .error(
                        ControlError(
                            code: .invalidRequest,
                            message: "'\(trialText)' is not a trial id (expected a number such as 7)"))
                }
                if let tail, tail < 0 {
                    return .error(ControlError(code: .invalidRequest, message: "tail must be 0 or more, not \(tail)"))
                }
                guard let view = try log(of: id, in: store, tail: tail) else {
                    return .error(ControlError(code: .notFound, message: "run '\(run)' has no trial \(id)"))
                }
                return .ok(try JSONValue(encoding: view))
            default:
                return .error(
                    ControlError(
                        code: .invalidRequest, message: "'\(request.messageType)' is not a read-only view of one run"))
            }
        } catch {
            return .error(ControlError(code: .internalError, message: "cannot read the run store: \(error)"))
        }
    }

    /// Parses a trial state as users write it: `stopped_early`, `stopped-early` or `stoppedEarly`
    /// (any case).
    public static func trialState(named name: String) -> TrialState? {
        let normalized = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if let state = TrialState(rawValue: normalized) { return state }
        return TrialState.allCases.first { "\($0)".lowercased() == normalized }
    }

    /// Parses a trial order as users write it (`id`, `newest`, `accuracy`; any case).
    public static func trialOrder(named name: String) -> TrialOrder? {
        TrialOrder(rawValue: name.lowercased())
    }

    /// Parses a trial id as users write it: `7`, `#7` or `t-0007`.
    public static func trialID(named text: String) -> TrialID? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.hasPrefix("#") {
            digits = digits.dropFirst()
        } else if digits.lowercased().hasPrefix("t-") {
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII) else { return nil }
        return TrialID(String(digits))
    }
}
