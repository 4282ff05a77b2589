import Foundation
import NASConfig
import NASCore
import NASStore

/// Everything the report shows about one run, read from its store in a few queries.
///
/// Building it only reads: call it on a store opened for this purpose (its own connection), never
/// on the event loop's.
public struct RunReportData: Sendable {
    /// A point of the best-so-far curve.
    public struct Progress: Hashable, Sendable {
        /// Epochs trained so far (reused and vetoed trials cost none).
        public var epochsSpent: Int
        /// Epochs the same trials would have cost without early stopping and vetoes.
        public var epochsWithoutPruning: Int
        /// The best final accuracy so far.
        public var bestAccuracy: Double
    }

    public var name: String
    public var state: RunState
    public var finishReason: String?
    public var strategy: String
    public var createdAt: Date
    public var updatedAt: Date
    public var counts: TrialCountsView
    public var trials: [ReportTrial]
    /// The best-so-far curve, one point per improvement (plus the last point).
    public var progress: [Progress]
    public var epochsSpent: Int
    /// Epochs not spent thanks to early stopping (the rest of each stopped trial's budget).
    public var epochsSavedByStopping: Int
    /// Epochs not spent thanks to vetoes (each vetoed trial's budget).
    public var epochsSavedByVetoes: Int
    /// Epochs not spent because an identical trial's result was reused.
    public var epochsSavedByReuse: Int
    /// The configured prior's kind (`peephole`, …), if any.
    public var priorName: String?
    /// The configured early-stopping rule's kind (`srm`, …), if any.
    public var stopRuleName: String?
    /// Saved predictor models' latest versions by name.
    public var modelVersions: [String: Int]
    /// The configuration in a few lines.
    public var configurationSummary: [String]
    /// The final phase's results, one per retrained network (empty without a final phase).
    public var finalPhase: [FinalPhaseResult] = []

    /// Reads a run's report data.
    ///
    /// - Throws: `RunStoreError.runNotCreated` for an empty store, `DatabaseError`.
    public static func load(from store: RunStore) throws -> RunReportData {
        guard let run = try store.run() else { throw RunStoreError.runNotCreated(path: store.database.path) }
        let configuration = try? RunConfiguration(yaml: run.configurationText, file: "run")
        let input = configuration?.training.input ?? .cifar
        var nb201 = NASBench201Network()
        if case .nb201(let options)? = configuration?.space.kind {
            nb201 = NASBench201Network(classes: options.classes, inputSide: options.input.height)
        }
        let records = try store.trials()
        let history = try store.history()
        var curves: [TrialID: [StoredEpoch]] = [:]
        for row in history { curves[row.trialID, default: []].append(row.epoch) }
        let start = run.createdAt
        let trials = records.map { record -> ReportTrial in
            let epochs = (curves[record.id] ?? []).sorted { $0.epoch < $1.epoch }
            let size = Self.size(of: record.proposedNotation, input: input, nb201: nb201)
            return ReportTrial(
                id: record.id.rawValue, state: record.state, notation: record.proposedNotation,
                canonicalNotation: record.canonicalNotation,
                phase: record.phase ?? ReportTrial.phase(ofSource: record.source), parameters: size?.parameters,
                flops: size?.macs,
                finalAccuracy: record.finalAccuracy, bestAccuracy: record.bestAccuracy,
                priorPrediction: record.priorPrediction, stopPrediction: record.stopPrediction,
                stoppedAtEpoch: record.stoppedAtEpoch,
                epochBudget: record.epochBudget, epochsDone: record.epochsDone,
                curve: epochs.map(\.validationAccuracy), curveEpochs: epochs.map(\.epoch),
                testAccuracy: epochs.last?.metrics["test_accuracy"],
                finishedAfter: record.finishedAt.map { $0.timeIntervalSince(start) },
                reusedFrom: record.reusedFrom?.rawValue, failureReason: record.failureReason)
        }
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        let reused = records.filter { $0.reusedFrom != nil }
        return RunReportData(
            name: run.name, state: run.state, finishReason: run.finishReason,
            strategy: configuration?.strategy.kindName ?? "unknown", createdAt: run.createdAt,
            updatedAt: run.updatedAt,
            counts: TrialCountsView(counts: try store.trialCounts(), reused: reused.count), trials: trials,
            progress: Self.progress(history: history, trials: byID), epochsSpent: try store.epochsSpent(),
            epochsSavedByStopping: records.filter { $0.reusedFrom == nil }.reduce(0) { $0 + $1.epochsSavedByStopping },
            epochsSavedByVetoes: records.filter { $0.state == .vetoed && $0.reusedFrom == nil }
                .reduce(0) { $0 + $1.epochBudget },
            epochsSavedByReuse: reused.filter { $0.state.hasReusableResult }.reduce(0) { $0 + $1.epochBudget },
            priorName: configuration?.prior?.kind.rawValue, stopRuleName: configuration?.earlyStopping?.kind.rawValue,
            modelVersions: try store.predictorModelVersions(),
            configurationSummary: configuration?.summary ?? [],
            finalPhase: try store.finalPhase() == nil ? [] : FinalPhaseResult.results(of: store))
    }

    /// Epochs saved in all (stopping, vetoes and reuse).
    public var epochsSaved: Int { epochsSavedByStopping + epochsSavedByVetoes + epochsSavedByReuse }

    /// Completed, trained search trials, most accurate first (earliest on ties); the final phase's
    /// retrainings are reported apart, never ranked with them.
    public var ranked: [ReportTrial] {
        trials.filter {
            $0.state == .completed && $0.reusedFrom == nil && $0.finalAccuracy != nil && !$0.isFinalPhase
        }
        .sorted { lhs, rhs in
            let (left, right) = (lhs.finalAccuracy ?? 0, rhs.finalAccuracy ?? 0)
            return left != right ? left > right : lhs.id < rhs.id
        }
    }

    /// Walks the epochs in the order they arrived, each counting the epochs it raises its trial's
    /// highest epoch by (a trainer may report every k-th epoch): a trial's last epoch closes it (a completed one
    /// may raise the best; a stopped one adds the rest of its budget to the unpruned count), and a
    /// vetoed trial adds its budget when it was vetoed.
    private static func progress(history: [TrialEpoch], trials: [TrialID: TrialRecord]) -> [Progress] {
        enum Step {
            case epoch(TrialID, Int)
            case veto(Int)
        }
        var steps: [(time: Date, step: Step)] = history.map {
            ($0.epoch.receivedAt, .epoch($0.trialID, $0.epoch.epoch))
        }
        for trial in trials.values where trial.state == .vetoed && trial.reusedFrom == nil {
            steps.append((trial.finishedAt ?? trial.createdAt, .veto(trial.epochBudget)))
        }
        steps.sort { $0.time < $1.time }
        var spent = 0
        var unpruned = 0
        var best: Double?
        var points: [Progress] = []
        var highest: [TrialID: Int] = [:]
        for (_, step) in steps {
            switch step {
            case .veto(let budget):
                unpruned += budget
            case .epoch(let id, let epoch):
                // Epochs trained: what this report raises its trial's highest epoch by.
                let trained = max(0, epoch - (highest[id] ?? 0))
                highest[id] = max(highest[id] ?? 0, epoch)
                spent += trained
                unpruned += trained
                guard let trial = trials[id], epoch == trial.epochsDone else { continue }
                unpruned += trial.epochsSavedByStopping
                if trial.state == .completed, !trial.isFinalPhase, let final = trial.finalAccuracy, final > (best ?? -1)
                {
                    best = final
                    points.append(Progress(epochsSpent: spent, epochsWithoutPruning: unpruned, bestAccuracy: final))
                }
            }
        }
        if let best, let last = points.last, last.epochsSpent != spent || last.epochsWithoutPruning != unpruned {
            points.append(Progress(epochsSpent: spent, epochsWithoutPruning: unpruned, bestAccuracy: best))
        }
        return points
    }

    /// Parameters and MACs of a sequential network, of a NAS-Bench-101 cell's network (no MACs), or
    /// of a NAS-Bench-201 cell's network (`nb201`, with the space's classes and input; its FLOPs as
    /// the benchmark counts them).
    static func size(
        of notation: String, input: TensorShape, nb201: NASBench201Network
    ) -> (parameters: Int, macs: Int?)? {
        guard let network = try? Network(notation: notation) else { return nil }
        switch network {
        case .sequential(let architecture):
            return (try? architecture.analyze(input: input)).map { ($0.parameters, $0.macs) }
        case .cell(let cell):
            return (try? NASBench101Network().parameters(of: cell)).map { ($0, nil) }
        case .nb201(let cell):
            let size = nb201.size(of: cell)
            return (size.parameters, size.flops)
        }
    }
}
