import Foundation

/// The `RunStore` API as async methods, each one hop to the executor's queue.
///
/// Each method has the semantics, return value and errors of the `RunStore` method of the same name.
extension StoreExecutor {
    /// See `RunStore.createRun(_:)`.
    @discardableResult
    public func createRun(_ run: NewRun) async throws -> RunRecord {
        try await perform { try $0.createRun(run) }
    }

    /// See `RunStore.run()`.
    public func run() async throws -> RunRecord? {
        try await perform { try $0.run() }
    }

    /// See `RunStore.setRunState(_:finishReason:)`.
    @discardableResult
    public func setRunState(_ state: RunState, finishReason: String? = nil) async throws -> RunRecord {
        try await perform { try $0.setRunState(state, finishReason: finishReason) }
    }

    /// See `RunStore.updateRunConfiguration(_:)`.
    @discardableResult
    public func updateRunConfiguration(_ configurationText: String) async throws -> RunRecord {
        try await perform { try $0.updateRunConfiguration(configurationText) }
    }

    /// See `RunStore.insertTrial(_:)`.
    @discardableResult
    public func insertTrial(_ trial: NewTrial) async throws -> TrialRecord {
        try await perform { try $0.insertTrial(trial) }
    }

    /// See `RunStore.insertReusedTrial(_:reusing:)`.
    @discardableResult
    public func insertReusedTrial(_ trial: NewTrial, reusing originalID: TrialID) async throws -> TrialRecord {
        try await perform { try $0.insertReusedTrial(trial, reusing: originalID) }
    }

    /// See `RunStore.dispatchTrial(_:to:leaseDeadline:startEpoch:)`.
    @discardableResult
    public func dispatchTrial(
        _ trialID: TrialID, to workerID: String, leaseDeadline: Date, startEpoch: Int = 0
    ) async throws -> JobRecord {
        try await perform {
            try $0.dispatchTrial(trialID, to: workerID, leaseDeadline: leaseDeadline, startEpoch: startEpoch)
        }
    }

    /// See `RunStore.extendLease(_:until:)`.
    public func extendLease(_ jobID: JobID, until deadline: Date) async throws {
        try await perform { try $0.extendLease(jobID, until: deadline) }
    }

    /// See `RunStore.requeue(job:endingAs:)`.
    @discardableResult
    public func requeue(job jobID: JobID, endingAs endState: JobState = .expired) async throws -> TrialRecord {
        try await perform { try $0.requeue(job: jobID, endingAs: endState) }
    }

    /// See `RunStore.finishTrial(_:outcome:job:)`.
    @discardableResult
    public func finishTrial(
        _ trialID: TrialID, outcome: TrialOutcome, job jobID: JobID? = nil
    ) async throws -> TrialRecord {
        try await perform { try $0.finishTrial(trialID, outcome: outcome, job: jobID) }
    }

    /// See `RunStore.recordEpochs(_:)`.
    public func recordEpochs(_ reports: [EpochReport]) async throws -> [EpochReportOutcome] {
        try await perform { try $0.recordEpochs(reports) }
    }

    /// See `RunStore.trial(_:)`.
    public func trial(_ id: TrialID) async throws -> TrialRecord? {
        try await perform { try $0.trial(id) }
    }

    /// See `RunStore.trials(in:)`.
    public func trials(in states: Set<TrialState>? = nil) async throws -> [TrialRecord] {
        try await perform { try $0.trials(in: states) }
    }

    /// See `RunStore.findFinishedTrial(identityKey:)`.
    public func findFinishedTrial(identityKey: String) async throws -> TrialRecord? {
        try await perform { try $0.findFinishedTrial(identityKey: identityKey) }
    }

    /// See `RunStore.findInFlightTrial(identityKey:)`.
    public func findInFlightTrial(identityKey: String) async throws -> TrialRecord? {
        try await perform { try $0.findInFlightTrial(identityKey: identityKey) }
    }

    /// See `RunStore.bestTrial()`.
    public func bestTrial() async throws -> TrialRecord? {
        try await perform { try $0.bestTrial() }
    }

    /// See `RunStore.trialCounts()`.
    public func trialCounts() async throws -> [TrialState: Int] {
        try await perform { try $0.trialCounts() }
    }

    /// See `RunStore.epochs(of:)`.
    public func epochs(of trialID: TrialID) async throws -> [StoredEpoch] {
        try await perform { try $0.epochs(of: trialID) }
    }

    /// See `RunStore.curve(of:)`.
    public func curve(of trialID: TrialID) async throws -> [Double] {
        try await perform { try $0.curve(of: trialID) }
    }

    /// See `RunStore.epochsSpent()`.
    public func epochsSpent() async throws -> Int {
        try await perform { try $0.epochsSpent() }
    }

    /// See `RunStore.job(_:)`.
    public func job(_ id: JobID) async throws -> JobRecord? {
        try await perform { try $0.job(id) }
    }

    /// See `RunStore.jobs(of:)`.
    public func jobs(of trialID: TrialID) async throws -> [JobRecord] {
        try await perform { try $0.jobs(of: trialID) }
    }

    /// See `RunStore.runningJobs()`.
    public func runningJobs() async throws -> [JobRecord] {
        try await perform { try $0.runningJobs() }
    }

    /// See `RunStore.expiredJobs(asOf:)`.
    public func expiredJobs(asOf time: Date) async throws -> [JobRecord] {
        try await perform { try $0.expiredJobs(asOf: time) }
    }

    /// See `RunStore.saveStrategySnapshot(_:keepingLatest:)`.
    @discardableResult
    public func saveStrategySnapshot(_ bytes: Data, keepingLatest count: Int = 3) async throws -> StrategySnapshot {
        try await perform { try $0.saveStrategySnapshot(bytes, keepingLatest: count) }
    }

    /// See `RunStore.latestStrategySnapshot()`.
    public func latestStrategySnapshot() async throws -> StrategySnapshot? {
        try await perform { try $0.latestStrategySnapshot() }
    }

    /// See `RunStore.savePredictorModel(named:bytes:)`.
    @discardableResult
    public func savePredictorModel(named name: String, bytes: Data) async throws -> PredictorModel {
        try await perform { try $0.savePredictorModel(named: name, bytes: bytes) }
    }

    /// See `RunStore.latestPredictorModel(named:)`.
    public func latestPredictorModel(named name: String) async throws -> PredictorModel? {
        try await perform { try $0.latestPredictorModel(named: name) }
    }

    /// See `RunStore.appendEvent(kind:trialID:detail:)`.
    @discardableResult
    public func appendEvent(kind: String, trialID: TrialID? = nil, detail: String = "{}") async throws -> StoreEvent {
        try await perform { try $0.appendEvent(kind: kind, trialID: trialID, detail: detail) }
    }

    /// See `RunStore.events(after:limit:)`.
    public func events(after sequence: Int64 = 0, limit: Int = 1_000) async throws -> [StoreEvent] {
        try await perform { try $0.events(after: sequence, limit: limit) }
    }

    /// See `RunStore.events(of:)`.
    public func events(of trialID: TrialID) async throws -> [StoreEvent] {
        try await perform { try $0.events(of: trialID) }
    }
}
