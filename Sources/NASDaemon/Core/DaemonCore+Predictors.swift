import Foundation
import NASCore
import NASSearch
import NASStore

/// The run's learned predictors: examples as trials complete, fits handed off the commit thread,
/// models stored by version, and the decisions that wait for a model (the model-version rule of
/// `ModelSchedule`, docs/architecture.md).
extension DaemonCore {
    /// Starts every fit a run's predictors need and have not started — the version in force and
    /// every version a decision waits for (after a completion, after a restart, after a failed
    /// batch made a restarted core rebuild its hosts). A version the run stored (after a restart)
    /// is decoded by its job, off the commit thread, instead of fit again; a store that cannot be
    /// read here only costs the fit.
    func requestMissingFits() {
        for run in runs.values.sorted(by: { $0.name < $1.name }) where !run.state.isTerminal {
            for (host, awaited) in [
                (run.stopRule, Set(run.pendingStopDecisions.map(\.version))),
                (run.prior, Set(run.awaitingPrior.map(\.version))),
            ] {
                guard let host else { continue }
                actions += host.missingFits(runName: run.name, awaited: awaited) { version in
                    try? run.store.predictorModel(named: host.storeName, version: version)?.bytes
                }.map { .fit($0) }
            }
        }
    }

    /// Adds a completed curve to the run's predictors' examples.
    func learn(_ candidate: Candidate, curve: CurvePrefix, in run: RunRuntime) {
        let example = PredictorExample(candidate: candidate, curve: curve)
        run.stopRule?.examples.append(example)
        run.prior?.examples.append(example)
    }

    /// Takes a fitted model: stores a new one under its version (in the batch's transaction; a
    /// model decoded from the store is not saved again, a refit of one that could not be decoded
    /// replaces it), then makes the decisions that were waiting for it, in the order they arose.
    func modelFitted(_ fitted: FittedModel, now: Moment) throws {
        if let why = fitted.undecodableStoredModel {
            let storeName = PredictorHost.storeName(role: fitted.role, predictor: fitted.predictorName)
            log(
                "run '\(fitted.runName)': \(storeName) model \(fitted.version) could not be decoded (\(why)); it was refit"
            )
        }
        if fitted.role == .strategy, let run = runs[fitted.runName], !run.state.isTerminal {
            return try strategyModelFitted(fitted, in: run)
        }
        guard let run = runs[fitted.runName], !run.state.isTerminal,
            let host = fitted.role == .stopRule ? run.stopRule : run.prior
        else { return }
        host.fitsInFlight.remove(fitted.version)
        guard let result = fitted.result else { return }
        switch result {
        case .success(let model):
            if try saveNewModel(model, of: fitted, in: run) {
                log("run '\(run.name)': \(host.storeName) model \(fitted.version) fit on \(host.examples.count) curves")
            }
            host.models[fitted.version] = model.model
        case .failure(let error):
            host.failedVersions.insert(fitted.version)
            _ = try run.store.appendEvent(
                kind: "predictor.fit_failed", detail: Self.jsonDetail("\(host.storeName) v\(fitted.version): \(error)"))
            log("run '\(run.name)': \(host.storeName) model \(fitted.version) could not be fit: \(error)")
        }
        switch fitted.role {
        case .stopRule: try resolvePendingStops(in: run, now: now)
        case .prior: try resolveAwaitingPrior(in: run)
        case .strategy: break
        }
    }

    /// Saves a job's model under its version when it is new (fit, not decoded from the store; a
    /// refit of a stored model that could not be decoded replaces it), in the batch's transaction.
    ///
    /// - Returns: Whether it was saved.
    private func saveNewModel(_ model: FittedModel.Model, of fitted: FittedModel, in run: RunRuntime) throws -> Bool {
        guard !model.isStored else { return false }
        let storeName = PredictorHost.storeName(role: fitted.role, predictor: fitted.predictorName)
        _ = try run.store.savePredictorModel(
            named: storeName, version: fitted.version, bytes: model.bytes,
            replacing: fitted.undecodableStoredModel != nil)
        return true
    }

    /// Starts the work the strategy's next decision waits for on the predictor queue — the fit of
    /// model `version` (or the decoding of the stored one: after a restart; fits are pure, so it is
    /// the model the uninterrupted run had), then the strategy's preparation with it — which
    /// `strategyModelFitted` brings back. Until then the run proposes nothing.
    func provideStrategyModel(_ version: Int, to run: RunRuntime) throws {
        guard let request = run.strategy.modelRequest, request.version == version else {
            throw StrategyModelError(
                description: "run '\(run.name)': the \(run.strategy.kind) strategy waits for model \(version) "
                    + "but names no fit for it")
        }
        run.awaitedStrategyModel = version
        run.awaitedStrategyModelIsFit = request.examples != nil
        guard run.strategyFitsInFlight.insert(version).inserted else { return }
        let storeName = PredictorHost.storeName(role: .strategy, predictor: request.predictor.name)
        let stored = request.examples == nil ? nil : try run.store.predictorModel(named: storeName, version: version)
        actions.append(.fit(FitJob(runName: run.name, strategyRequest: request, stored: stored?.bytes)))
    }

    /// A strategy's model and preparation came back: a new model is stored under its version (in
    /// the batch's transaction) and the preparation handed to the strategy, which proposes again at
    /// the next dispatch; a failed fit is recorded (the strategy prepared without a model).
    private func strategyModelFitted(_ fitted: FittedModel, in run: RunRuntime) throws {
        run.strategyFitsInFlight.remove(fitted.version)
        let storeName = PredictorHost.storeName(role: .strategy, predictor: fitted.predictorName)
        switch fitted.result {
        case .success(let model)?:
            if try saveNewModel(model, of: fitted, in: run) {
                log("run '\(run.name)': \(storeName) model \(fitted.version) fit")
            }
        case .failure(let error)?:
            _ = try run.store.appendEvent(
                kind: "predictor.fit_failed", detail: Self.jsonDetail("\(storeName) v\(fitted.version): \(error)"))
            log("run '\(run.name)': \(storeName) model \(fitted.version) could not be fit: \(error)")
        case nil:
            break
        }
        if let preparation = fitted.preparation { run.strategy.install(preparation) }
        if run.awaitedStrategyModel == fitted.version { run.awaitedStrategyModel = nil }
    }

    /// A strategy that waits for a model without naming its fit (a bug in the strategy).
    struct StrategyModelError: Error, CustomStringConvertible {
        var description: String
    }

    /// The model a decision made now uses: `.ready(model)`, `.none` (no schedule, burn-in, or a
    /// failed fit: decide without one), or `.waiting(version)`.
    enum ModelAvailability {
        case ready(any PredictorModel, version: Int)
        case none
        case waiting(Int)
    }

    func model(of host: PredictorHost?, version: Int? = nil) -> ModelAvailability {
        guard let host, host.predictor.schedule != nil else { return .none }
        let version = version ?? host.versionInForce
        guard version >= 1, !host.failedVersions.contains(version) else { return .none }
        if let model = host.models[version] { return .ready(model, version: version) }
        return .waiting(version)
    }

    /// Makes the stop decisions whose model has arrived, oldest first; completes the trials whose
    /// worker finished them meanwhile and that were not stopped.
    private func resolvePendingStops(in run: RunRuntime, now: Moment) throws {
        var remaining: [(trial: TrialID, epoch: Int, version: Int)] = []
        for pending in run.pendingStopDecisions {
            guard let job = run.active[pending.trial] else { continue }
            if case .waiting = model(of: run.stopRule, version: pending.version) {
                remaining.append(pending)
                continue
            }
            let stopped = try decideStop(
                of: pending.trial, job: job, epoch: pending.epoch, version: pending.version, in: run)
            if stopped { remaining.removeAll { $0.trial == pending.trial } }
        }
        run.pendingStopDecisions = remaining.filter { run.active[$0.trial] != nil }
        for (trialID, job) in run.active.sorted(by: { $0.key < $1.key }) where job.completionPending {
            if !run.pendingStopDecisions.contains(where: { $0.trial == trialID }) {
                try completeTrial(trialID, in: run, now: now)
            }
        }
    }

    /// The pruning decision point at epoch τ of a trial (its last reported epoch): stops it when
    /// the pruner predicts it will not pay; waits (the trial trains on) when the model it needs is
    /// still being fit.
    func consultPruner(about trialID: TrialID, in run: RunRuntime) throws {
        guard run.pruner != nil, let job = run.active[trialID] else { return }
        let epoch = job.curve.lastEpoch
        switch model(of: run.stopRule) {
        case .waiting(let version):
            run.pendingStopDecisions.append((trialID, epoch, version))
        case .ready(_, let version):
            if run.pendingStopDecisions.contains(where: { $0.trial == trialID }) {
                // An earlier epoch of this trial still waits: decide in order.
                run.pendingStopDecisions.append((trialID, epoch, version))
            } else {
                _ = try decideStop(of: trialID, job: job, epoch: epoch, version: version, in: run)
            }
        case .none:
            // A fixed rule decides without a model; a learned one proceeds during its burn-in and
            // when the fit of the model it needs failed.
            guard run.stopRule?.predictor.schedule == nil else { return }
            _ = try decideStop(of: trialID, job: job, epoch: epoch, version: nil, in: run)
        }
    }

    /// Asks the pruner about the curve up to epoch `epoch`; stops the trial on `.stop`.
    ///
    /// - Returns: whether the trial was stopped.
    private func decideStop(of trialID: TrialID, job: ActiveJob, epoch: Int, version: Int?, in run: RunRuntime)
        throws -> Bool
    {
        guard let pruner = run.pruner else { return false }
        var job = job
        if job.candidate == nil {
            job.candidate = try candidate(of: trialID, in: run)
            run.active[trialID] = job
        }
        guard let candidate = job.candidate, epoch >= 1, epoch <= job.curve.lastEpoch else { return false }
        let curve = job.curve.truncated(toEpoch: epoch)
        let model: (any PredictorModel)? = version.flatMap { run.stopRule?.models[$0] }
        // A strategy with rounds of successive halving (Hyperband) tells the pruner the trial's rung:
        // f-Hyperband's reference is the rung's results, not the run's.
        var standing = run.standing
        standing.rung = run.strategy.rungStanding(ofProposal: candidate.proposalID)
        let decision = pruner.decide(candidate: candidate, curve: curve, standing: standing, model: model)
        guard case .stop(let predicted, let sigma, let modelVersion) = decision, epoch < job.budget else {
            return false
        }
        let prediction = Prediction(accuracy: predicted, sigma: sigma, modelVersion: modelVersion ?? version)
        try run.store.inTransaction {
            _ = try run.store.finishTrial(trialID, outcome: .stoppedEarly(prediction, atEpoch: epoch), job: job.jobID)
            try deliverOutcome(
                TrialResult(
                    outcome: .stoppedEarly(curve: curve.values, predicted: predicted, sigma: sigma),
                    epochs: curve.epochs),
                of: trialID, in: run)
        }
        stopOnWorker(job, trial: trialID, of: run, reason: "stopped early at epoch \(epoch): predicted \(predicted)")
        run.active[trialID] = nil
        return true
    }

    /// Passes a new trial through the prior: vetoes it, queues it with the prior's prediction,
    /// or holds it until the model version it needs has been fit.
    func passThroughPrior(_ trial: TrialRecord, candidate: Candidate, in run: RunRuntime) throws {
        guard run.gate != nil else { return run.queue.append(trial.id) }
        switch model(of: run.prior) {
        case .waiting(let version):
            try run.store.markAwaitingPrior(trial.id, version: version)
            run.awaitingPrior.append((trial.id, version))
        case .ready(_, let version):
            try evaluateWithPrior(trial.id, candidate: candidate, version: version, in: run)
        case .none:
            if run.prior?.predictor.schedule == nil {
                try evaluateWithPrior(trial.id, candidate: candidate, version: nil, in: run)
            } else {
                run.queue.append(trial.id)  // burn-in (`train_after`) or a failed fit: no prediction
            }
        }
    }

    private func evaluateWithPrior(_ trialID: TrialID, candidate: Candidate, version: Int?, in run: RunRuntime)
        throws
    {
        guard let gate = run.gate else { return run.queue.append(trialID) }
        let model: (any PredictorModel)? = version.flatMap { run.prior?.models[$0] }
        switch gate.evaluate(candidate, model: model) {
        case .veto(let predicted, let modelVersion):
            _ = try run.store.finishTrial(
                trialID, outcome: .vetoed(Prediction(accuracy: predicted, modelVersion: modelVersion ?? version)))
            try deliverOutcome(.vetoed(predicted: predicted), of: trialID, in: run)
        case .admit(let predicted, let modelVersion):
            if let predicted {
                try run.store.recordPriorPrediction(
                    Prediction(accuracy: predicted, modelVersion: modelVersion ?? version), of: trialID)
            }
            run.queue.append(trialID)
        case .audit(let predicted, let modelVersion):
            // Trained although vetoed: the event marks it for the prior's false-veto figures.
            try run.store.recordPriorPrediction(
                Prediction(accuracy: predicted, modelVersion: modelVersion ?? version), of: trialID)
            _ = try run.store.appendEvent(kind: Self.auditedVetoEvent, trialID: trialID, detail: "{}")
            run.queue.append(trialID)
        }
    }

    /// The event kind that marks a trial as an audited veto (`prior.audit_fraction`).
    static let auditedVetoEvent = "prior.audited_veto"

    /// Evaluates the trials that waited for a prior model that has now arrived (or failed).
    private func resolveAwaitingPrior(in run: RunRuntime) throws {
        var remaining: [(trial: TrialID, version: Int)] = []
        for waiting in run.awaitingPrior {
            switch model(of: run.prior, version: waiting.version) {
            case .waiting:
                remaining.append(waiting)
            case .ready(_, let version):
                guard let candidate = try candidate(of: waiting.trial, in: run) else { continue }
                try evaluateWithPrior(waiting.trial, candidate: candidate, version: version, in: run)
            case .none:
                run.queue.append(waiting.trial)
            }
        }
        run.awaitingPrior = remaining
    }

    /// Rebuilds a resumed run's predictor hosts from its store: examples in completion order,
    /// trials waiting for the prior, the standing. The stored models come back through
    /// `requestMissingFits`, decoded off the commit thread.
    func restorePredictors(of run: RunRuntime) throws {
        let store = run.store
        for trial in try store.trials(in: [.completed]) where trial.reusedFrom == nil {
            if let final = trial.finalAccuracy { run.standing.record(final) }
        }
        let hosts = [run.stopRule, run.prior].compactMap { $0 }
        guard !hosts.isEmpty else { return }
        for completion in try store.completions() {
            guard let candidate = try candidate(of: completion.trial, in: run) else { continue }
            // Cut at the epochs it had when it completed: a trial Hyperband promoted since then
            // was an example of its earlier rung's budget (as `learn` made it), not of its curve now.
            let points = try store.curvePoints(of: completion.trial).filter { $0.epoch <= completion.epochs }
            let example = PredictorExample(candidate: candidate, curve: CurvePrefix(stored: points))
            for host in hosts { host.examples.append(example) }
        }
        if run.prior != nil {
            for trial in try store.trials(in: [.queued]) where trial.priorPrediction == nil {
                guard let version = try store.awaitedPriorVersion(of: trial.id) else { continue }
                run.queue.removeAll { $0 == trial.id }
                run.awaitingPrior.append((trial.id, version))
            }
        }
    }
}
