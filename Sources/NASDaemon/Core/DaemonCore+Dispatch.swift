import Foundation
import NASCore
import NASProtocol
import NASSearch
import NASStore

/// Filling free worker slots: asking strategies for work, deduplicating it, and assigning jobs.
extension DaemonCore {
    /// How many proposals one run may make in one pass without queueing a trial (all duplicates of
    /// finished trials, say) before the next run gets its turn.
    static let proposalsPerPass = 64

    /// After this many proposals in a row that were all duplicates of trials already trained or in
    /// flight, the space is taken to have nothing new left and the run ends when idle (random
    /// search has no end of its own, and each reuse adds a row to the store).
    static let duplicateProposalLimit = 1000

    /// Fills every free worker slot, sharing slots between runs by priority.
    ///
    /// Two facts are taken once per pass rather than once per slot filled, so that a pass filling
    /// k slots of W workers with A jobs in flight costs O(k·W) integer comparisons instead of k
    /// copies of every worker session and k scans of every active job: each worker's free slots
    /// (`FreeSlotTable`, updated for the worker just assigned to; rebuilt when a run fails, which may
    /// release slots elsewhere), and whether a run still waits for a job loaded at a restart to be
    /// re-attached (a pass only adds jobs that wait for nothing, so that cannot become true in it).
    func dispatch(now: Moment) throws {
        guard !isDraining else { return }
        var passedOver: Set<String> = []
        var freeSlots = makeFreeSlotTable()
        let awaitingReattach = Set(
            runs.values.filter { $0.active.values.contains(where: \.awaitingReattach) }.map(\.name))
        while let connection = freeSlots.mostFree() {
            let claims = runs.values
                .filter { run in
                    run.state == .active && !passedOver.contains(run.name)
                        && (!run.queue.isEmpty || run.canPropose(awaitingReattach: awaitingReattach.contains(run.name)))
                }
                .map { FairShare.Claim(run: $0.name, priority: $0.configuration.priority, running: $0.active.count) }
            guard let name = FairShare.next(among: claims), let run = runs[name] else { return }
            if run.queue.isEmpty {
                try fillQueue(of: run, awaitingReattach: awaitingReattach.contains(name), now: now)
                if run.queue.isEmpty { passedOver.insert(name) }
                if run.state != .active { freeSlots = makeFreeSlotTable() }
                continue
            }
            let trialID = run.queue.removeFirst()
            try assign(trialID, of: run, to: connection, now: now)
            freeSlots.update(connection, freeSlots: workers[connection]?.freeSlots ?? 0)
        }
    }

    /// Every connected worker's free slots, for one dispatch pass.
    private func makeFreeSlotTable() -> FreeSlotTable<ConnectionID> {
        FreeSlotTable(workers.lazy.map { ($0.key, $0.value.freeSlots) })
    }

    /// Asks the run's strategy for work until a trial is queued or the strategy has none.
    func fillQueue(of run: RunRuntime, awaitingReattach: Bool, now: Moment) throws {
        var proposals = 0
        while run.queue.isEmpty && run.canPropose(awaitingReattach: awaitingReattach)
            && proposals < Self.proposalsPerPass
        {
            proposals += 1
            let proposal: Proposal
            do {
                proposal = try run.strategy.propose()
            } catch {
                return try failRun(run, reason: "the strategy failed: \(error)", now: now)
            }
            run.strategyChanged = true
            switch proposal {
            case .train(let candidate):
                try admit(candidate, to: run)
            case .continueTraining(let proposalID, let budget):
                do {
                    try continueTraining(proposalID, to: budget, in: run)
                } catch let error as ContinuationError {
                    return try failRun(run, reason: "the strategy failed: \(error)", now: now)
                }
            case .waitForResults:
                run.isWaitingForResults = true
            case .waitForModel(let version):
                do {
                    try provideStrategyModel(version, to: run)
                } catch let error as StrategyModelError {
                    return try failRun(run, reason: "the strategy failed: \(error)", now: now)
                }
            case .exhausted:
                run.isStrategyExhausted = true
                log("run '\(run.name)': the strategy has no more proposals")
            }
        }
    }

    /// Turns a candidate into a trial: answers it from a finished identical trial (its curve cut
    /// at the candidate's budget, or promoting the trial when it asks for more epochs), joins one
    /// in flight (raising its budget when it asks for more), or queues a new one.
    private func admit(_ candidate: Candidate, to run: RunRuntime) throws {
        let network = candidate.network
        // Each notation is written once (they cost more than the rest of the admission's own work).
        let canonicalNotation = network.canonicalNotation
        let identityKey = TrialIdentity.key(
            canonicalHash: SHA256.hexDigest(of: canonicalNotation), hyperparameters: candidate.hyperparameters)
        let notation = network.notation
        let encoded = try candidate.storedJSON(notation: notation)
        let newTrial = NewTrial(
            canonicalNotation: canonicalNotation, proposedNotation: notation,
            identityKey: identityKey, hyperparameters: candidate.hyperparameters, epochBudget: candidate.budget,
            source: "\(run.strategy.kind)#\(candidate.proposalID)", phase: candidate.phase?.text)
        try run.store.inTransaction {
            // The trained trial answers, never a reuse of it: it may have been promoted since and
            // be training again, and then the proposal joins it (answering from a reuse would leave
            // a proposal for more epochs than it reached unanswered for ever).
            let existing =
                try run.store.findFinishedTrial(identityKey: identityKey)
                ?? run.store.findInFlightTrial(identityKey: identityKey)
            var action = TrialLifecycle.Action.trainAfresh
            if let existing {
                var life = lifecycle(of: existing, in: run)
                action = try life.handle(.requested(budget: candidate.budget))
            }
            switch (action, existing) {
            case (.answer, let existing?):
                guard let result = try result(of: existing, in: run) else {
                    throw TrialLifecycle.UnexpectedAction(action: action, context: "trial \(existing.id) has no result")
                }
                let reused = try run.store.insertReusedTrial(newTrial, reusing: existing.id)
                try run.store.recordProposal(candidate.proposalID, trialID: reused.id, candidate: encoded)
                run.decoded.remember(candidate)
                try deliverOutcome(result, of: reused.id, in: run)
                noteDuplicate(in: run)
            case (.promote, let existing?):
                run.consecutiveDuplicates = 0
                try run.store.recordProposal(candidate.proposalID, trialID: existing.id, candidate: encoded)
                run.decoded.remember(candidate)
                try promoteIfAsked(existing.id, in: run)
            case (.join(let budget), let existing?):
                try run.store.recordProposal(candidate.proposalID, trialID: existing.id, candidate: encoded)
                run.decoded.remember(candidate)
                if budget > existing.epochBudget { try run.store.raiseBudget(of: existing.id, to: budget) }
                noteDuplicate(in: run)
            default:
                run.consecutiveDuplicates = 0
                let trial = try run.store.insertTrial(newTrial)
                try run.store.recordProposal(candidate.proposalID, trialID: trial.id, candidate: encoded)
                run.decoded.remember(candidate)
                run.decoded.remember(network, queuedAs: trial.id)
                run.countedTrials += 1
                try passThroughPrior(trial, candidate: candidate, in: run)
            }
        }
    }

    /// Why a strategy's `continueTraining` cannot be carried out (a bug in the strategy).
    struct ContinuationError: Error, CustomStringConvertible {
        var description: String
    }

    /// Carries out a strategy's "train proposal p on to `budget` epochs" (a Hyperband promotion):
    /// the proposal waits for an outcome again, at the new budget, from the same trial — which is
    /// promoted when it completed at less, has its budget raised when it is still in flight, and
    /// answers at once when it already reached the budget or cannot go on (stopped early, failed).
    func continueTraining(_ proposalID: Int, to budget: Int, in run: RunRuntime) throws {
        guard let stored = try run.store.proposal(proposalID) else {
            throw ContinuationError(description: "it asked to continue proposal \(proposalID), which it never made")
        }
        var candidate = try run.decoded.candidate(of: stored)
        guard budget > candidate.budget else {
            throw ContinuationError(
                description: "it asked to continue proposal \(proposalID) to \(budget) epochs, "
                    + "not more than its \(candidate.budget)")
        }
        guard let answering = try run.store.trial(stored.trialID) else { return }
        let trialID = answering.reusedFrom ?? answering.id
        candidate.budget = budget
        try run.store.inTransaction {
            let stored = try candidate.storedJSON(notation: candidate.network.notation)
            try run.store.reopenProposal(proposalID, candidate: stored)
            run.decoded.remember(candidate)
            if trialID != answering.id { try run.store.moveProposal(proposalID, to: trialID) }
            guard let trial = try run.store.trial(trialID) else { return }
            var life = lifecycle(of: trial, in: run)
            switch try life.handle(.requested(budget: budget)) {
            case .join(let raised):
                if raised > trial.epochBudget { try run.store.raiseBudget(of: trialID, to: raised) }
            case .promote:
                try promoteIfAsked(trialID, in: run)
            case .answer, .trainAfresh:
                // It reached the budget, or cannot go on (stopped early, vetoed, failed): its
                // outcome answers.
                if let result = try result(of: trial, in: run) {
                    try deliverOutcome(result, of: trialID, in: run)
                }
            case let action:
                throw TrialLifecycle.UnexpectedAction(
                    action: action, context: "proposal \(proposalID) asked trial \(trialID) for \(budget) epochs")
            }
        }
    }

    private func noteDuplicate(in run: RunRuntime) {
        run.consecutiveDuplicates += 1
        if run.consecutiveDuplicates >= Self.duplicateProposalLimit && !run.isStrategyExhausted {
            run.isStrategyExhausted = true
            run.exhaustionReason =
                "the last \(Self.duplicateProposalLimit) proposals were all networks trained already: "
                + "the search space looks exhausted"
            log("run '\(run.name)': \(run.exhaustionReason ?? "")")
        }
    }

    /// Dispatches a queued trial to a worker under a fresh lease.
    private func assign(_ trialID: TrialID, of run: RunRuntime, to connection: ConnectionID, now: Moment) throws {
        guard var session = workers[connection] else { return }
        guard let trial = try run.store.trial(trialID) else { return }
        let network: Network
        do {
            network = try run.decoded.takeNetwork(
                of: trial, waiting: Set(run.queue).union(run.awaitingPrior.map(\.trial)))
        } catch {
            log("run '\(run.name)': cannot dispatch trial \(trialID.rawValue): \(error)")
            return try failTrial(trialID, in: run, reason: "cannot be dispatched: \(error)")
        }
        do {
            // Stored for people reading the store; the lease itself runs on the monotonic clock.
            let deadline = now.wall.addingTimeInterval(options.leaseTimeout)
            // A retried trial continues after its last stored epoch: built-in trainers resume exactly, a
            // trainer with a checkpoint resumes from it, and one without retrains from scratch while
            // the worker drops the epochs already stored (docs/trainer-protocol.md).
            var life = lifecycle(of: trial, in: run)
            let action = try life.handle(.dispatched)
            guard case .dispatch(_, let startEpoch) = action else {
                throw TrialLifecycle.UnexpectedAction(action: action, context: "dispatching trial \(trialID)")
            }
            let stored = startEpoch > 0 ? try run.store.curvePoints(of: trialID) : []
            let job = try run.store.dispatchTrial(
                trialID, to: session.workerID, leaseDeadline: deadline, startEpoch: startEpoch)
            var seedGenerator = SeededGenerator.derived(from: run.configuration.seed, stream: trial.identityKey)
            let spec = TrialSpec(
                trialID: String(trialID.rawValue), runName: run.name, network: network,
                hyperparameters: attemptHyperparameters(of: trial, in: run), seed: seedGenerator.next(),
                epochBudget: trial.epochBudget,
                startEpoch: startEpoch, checkpointDirectory: run.checkpointDirectory(for: trialID),
                input: run.configuration.training.input)
            let active = ActiveJob(
                jobID: job.id, attempt: job.attempt, workerID: session.workerID, connection: connection,
                lease: Lease(
                    jobID: job.id.rawValue, workerID: session.workerID, now: now.elapsed,
                    duration: options.leaseTimeout),
                budget: trial.epochBudget, curve: CurvePrefix(stored: stored),
                trainingSeconds: trial.trainingSeconds, countedUntil: now.elapsed)
            run.active[trialID] = active
            session.busy.insert(WorkerSession.key(run: run.name, job: active.wireID))
            workers[connection] = session
            actions.append(
                .send(
                    connection,
                    .assign(.init(jobID: active.wireID, attempt: job.attempt, spec: spec, trainer: run.trainer))))
        }
    }
}
