import Foundation
import NASConfig
import NASProtocol
import NASSearch
import NASStore

/// Creating, resuming, archiving and deleting runs.
extension DaemonCore {
    /// What `submit` did.
    enum SubmitAction: String, Codable {
        case created, resumed, updated, restarted, alreadyFinished
    }

    /// Rebuilds a run from its store: strategy from its latest snapshot, queue, in-flight jobs
    /// (leased afresh so their workers can re-attach), and outcomes the strategy has not seen.
    ///
    /// - Returns: nil for a run that is finished or failed (nothing to do).
    func loadRun(at directory: URL) throws -> RunRuntime? {
        let store = try layout.openStore(in: directory)
        storeOpened?(store)
        guard let record = try store.run(), !record.state.isTerminal else { return nil }
        // Inside a batch (a submit), the new run's writes join the batch's transactions, so its
        // proposals and its strategy snapshot commit together with everything else, or not at all.
        if isHandlingBatch { try joinBatch(store) }
        let configuration = try RunConfiguration(
            yaml: record.configurationText, file: directory.appendingPathComponent("run.sqlite").path)
        let run = try makeRuntime(
            directory: directory, store: store, configuration: configuration, state: record.state,
            createdAt: record.createdAt)
        if let snapshot = try store.latestStrategySnapshot() {
            try run.strategy.restore(from: snapshot.bytes)
        }
        run.queue = try store.trials(in: [.queued]).map(\.id).sorted()
        let now = clock.monotonic()
        for job in try store.runningJobs() {
            guard let trial = try store.trial(job.trialID) else { continue }
            run.active[job.trialID] = ActiveJob(
                jobID: job.id, attempt: job.attempt, workerID: job.workerID, connection: nil,
                lease: Lease(jobID: job.id.rawValue, workerID: job.workerID, now: now, duration: options.leaseTimeout),
                budget: trial.epochBudget, curve: CurvePrefix(stored: try store.curvePoints(of: job.trialID)),
                awaitingReattach: true, trainingSeconds: trial.trainingSeconds, countedUntil: now)
        }
        let trials = try store.trials()
        run.countedTrials = trials.filter { $0.reusedFrom == nil && $0.state != .cancelled }.count
        run.epochsSpent = try store.epochsSpent()
        run.bestAccuracy = try store.bestTrial()?.finalAccuracy
        run.finalPhaseReason = try store.finalPhase()?.searchEndReason
        try restorePredictors(of: run)
        try store.inTransaction {
            for proposal in try store.unobservedProposals() {
                guard let trial = try store.trial(proposal.trialID), let result = try result(of: trial, in: run)
                else { continue }
                try deliverOutcome(result, of: trial.id, in: run)
                try promoteIfAsked(trial.id, in: run)
            }
            if run.strategyChanged {
                _ = try store.saveStrategySnapshot(try run.strategy.snapshot())
                run.strategyChanged = false
            }
        }
        return run
    }

    private func makeRuntime(
        directory: URL, store: RunStore, configuration: RunConfiguration, state: RunState, createdAt: Date
    ) throws -> RunRuntime {
        let baseDirectory = layout.submittedFrom(directory)?.deletingLastPathComponent() ?? directory
        let resolved = try pinningModels(
            of: SearchSetup.resolvingPaths(of: configuration, base: baseDirectory), in: directory)
        let run = RunRuntime(
            name: configuration.name, directory: directory, store: store, configuration: configuration,
            strategy: try options.makeStrategy(resolved),
            trainer: SearchSetup.trainerDescription(for: configuration.trainer, baseDirectory: baseDirectory),
            state: state, createdAt: createdAt)
        let predictors = try options.makePredictors(resolved)
        run.pruner = predictors.pruner
        run.gate = predictors.gate
        run.stopRule = predictors.pruner.map { PredictorHost(role: .stopRule, predictor: $0) }
        run.prior = predictors.gate.map { PredictorHost(role: .prior, predictor: $0) }
        return run
    }

    /// The configuration with `strategy.predictor_model` and `prior.model` read from the run's own
    /// copies of the files (`StateDirectoryLayout.pinnedStrategyModelName`, `pinnedPriorModelName`),
    /// made from the configured files the first time the run is loaded: a transferred model is part
    /// of the run's durable state, so a resumed run starts from the very model it started from,
    /// whatever became of the file since.
    private func pinningModels(of resolved: RunConfiguration, in directory: URL) throws -> RunConfiguration {
        var pinnedConfiguration = resolved
        if case .evolution(var evolution) = resolved.strategy, let path = evolution.predictorModel {
            evolution.predictorModel = try layout.pinModel(
                from: URL(fileURLWithPath: path), as: StateDirectoryLayout.pinnedStrategyModelName, in: directory
            ) {
                // Checked like any model file first, so a bad file is refused before it is pinned.
                _ = try SearchSetup.transferredModel(evolution, space: resolved.space)
            }.path
            pinnedConfiguration.strategy = .evolution(evolution)
        }
        if let path = resolved.prior?.model {
            pinnedConfiguration.prior?.model = try layout.pinModel(
                from: URL(fileURLWithPath: path), as: StateDirectoryLayout.pinnedPriorModelName, in: directory
            ) {
                _ = try options.makePredictors(resolved)
            }.path
        }
        return pinnedConfiguration
    }

    /// Adds a run, resumes it, or refuses when a run of that name exists with a different search.
    func submit(configText: String, fileName: String, restart: Bool, now: Moment) throws -> SubmitResult {
        // Every check `nasd config check` makes, before touching any state.
        let configuration: RunConfiguration
        do {
            configuration = try RunConfigurationCheck(makePredictors: options.makePredictors, readsReplayFile: false)
                .check(text: configText, file: fileName)
        } catch {
            throw ControlError(code: .invalidConfig, message: error.description)
        }
        // The strategy this daemon builds (a test or benchmark may install its own).
        do {
            let base = URL(fileURLWithPath: fileName).deletingLastPathComponent()
            _ = try options.makeStrategy(SearchSetup.resolvingPaths(of: configuration, base: base))
        } catch {
            throw ControlError(code: .invalidConfig, message: "\(fileName): \(error)")
        }
        let name = configuration.name
        let directory = options.stateDirectory.appendingPathComponent(name)
        if let run = runs[name] {
            let differences = configuration.searchDifferences(from: run.configuration)
            guard differences.isEmpty else {
                throw ControlError(
                    code: .conflict,
                    message: "run '\(name)' is in progress with a different search:\n  "
                        + differences.joined(separator: "\n  ") + "\nstop it before starting it afresh")
            }
            _ = try run.store.updateRunConfiguration(configText)
            run.configuration = configuration
            return SubmitResult(
                run: name, action: .updated, message: "run '\(name)' is in progress; configuration updated")
        }
        let action = try prepareStore(
            for: configuration, configText: configText, fileName: fileName, in: directory, restart: restart, now: now)
        if action == .alreadyFinished {
            return SubmitResult(run: name, action: action, message: try finishedMessage(in: directory, name: name))
        }
        let run: RunRuntime?
        do {
            run = try loadRun(at: directory)
        } catch let error as DatabaseError where batchStores.contains(where: { $0.runDirectory == directory }) {
            throw error  // the store joined the batch: a failure now fails the batch
        } catch {
            throw ControlError(code: .internalError, message: "run '\(name)' cannot be loaded: \(error)")
        }
        guard let run else {
            throw ControlError(code: .internalError, message: "run '\(name)' could not be loaded after creation")
        }
        runs[name] = run
        log("run '\(name)' \(action.rawValue)")
        return SubmitResult(run: name, action: action, message: "run '\(name)' \(action.rawValue)")
    }

    /// Creates, archives or updates the store of a submitted run that is not loaded. Its writes
    /// commit on their own (before the store joins the batch), so any failure here is the
    /// request's answer (a `ControlError`), never a failure of the batch.
    private func prepareStore(
        for configuration: RunConfiguration, configText: String, fileName: String, in directory: URL, restart: Bool,
        now: Moment
    ) throws -> SubmitAction {
        do {
            return try prepareStoreUnchecked(
                for: configuration, configText: configText, fileName: fileName, in: directory, restart: restart,
                now: now)
        } catch let error as ControlError {
            throw error
        } catch {
            throw ControlError(
                code: .internalError, message: "cannot prepare the store of run '\(configuration.name)': \(error)")
        }
    }

    private func finishedMessage(in directory: URL, name: String) throws -> String {
        let record = try? layout.openStore(in: directory).run()
        return "run '\(name)' already ended: \(record?.finishReason ?? record?.state.rawValue ?? "finished")"
    }

    private func prepareStoreUnchecked(
        for configuration: RunConfiguration, configText: String, fileName: String, in directory: URL, restart: Bool,
        now: Moment
    ) throws -> SubmitAction {
        let name = configuration.name
        var action = SubmitAction.created
        if layout.hasStore(in: directory) {
            let store = try layout.openStore(in: directory)
            guard let record = try store.run() else {
                throw ControlError(code: .conflict, message: "\(directory.path) holds a store without a run")
            }
            let differences = RunConfiguration.searchIdentityDifferences(
                from: record.searchIdentity, storedConfiguration: record.configurationText,
                to: configuration.searchIdentity)
            if restart {
                try layout.archive(directory, name: name, at: now.wall)
                action = .restarted
            } else if !differences.isEmpty {
                throw ControlError(
                    code: .conflict,
                    message: "run '\(name)' exists with a different search:\n  "
                        + differences.joined(separator: "\n  ")
                        + "\nuse --restart to archive it and start afresh")
            } else if record.state.isTerminal {
                return .alreadyFinished
            } else {
                _ = try store.updateRunConfiguration(configText)
                action = .resumed
            }
        }
        if action != .resumed {
            let store = try layout.createStore(in: directory)
            _ = try store.createRun(
                NewRun(name: name, configurationText: configText, searchIdentity: configuration.searchIdentity))
        }
        if fileName.hasPrefix("/") { try layout.recordSubmittedFrom(fileName, in: directory) }
        return action
    }

    /// The payload of a `submit` answer (a `ControlAcknowledgement` with the action taken).
    struct SubmitResult: Codable {
        var run: String
        var action: SubmitAction
        var message: String
    }
}
