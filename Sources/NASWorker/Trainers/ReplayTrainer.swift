import Foundation
import NASCore

/// The built-in replay trainer: serves recorded curves from a curves file, so real recorded runs
/// can go through the whole system.
///
/// A trial's network is looked up by its canonical form (`Network.canonicalNotation`: the notation
/// without dropout, the canonical form of the pruned cell, so isomorphic cells share a record, or
/// a NAS-Bench-201 cell's string);
/// when the file has several rows for one canonical network, the first row wins. A `cell` row that
/// is not a valid cell (unknown operation, no input→output path) is left out of the index. The
/// trial's hyperparameters, seed and input do not take part in the lookup.
///
/// It serves the recorded points whose epoch index lies in `startEpoch + 1 … epochBudget`, in
/// order. A row's `test_accuracy` is reported as the metric `test_accuracy` of its last recorded
/// epoch, when that epoch is served (it belongs to the fully trained network, not to a prefix). A recorded curve that ends before the budget ends the trial at its last recorded epoch
/// (outcome `.endedBeforeBudget`); a longer one is cut at the budget.
public struct ReplayTrainer: Trainer {
    /// Where the curves came from, for error messages (a path, or a label).
    public let source: String
    /// How long each epoch takes; zero for none. The wait is cancellable.
    public var epochDelay: Duration
    /// The first record of each canonical network.
    private let recordsByCanonicalNotation: [String: CurveRecord]

    /// Creates a replay trainer over records already in memory.
    ///
    /// - Parameters:
    ///   - records: the curves, in file order (the first of duplicates wins).
    ///   - source: a label for error messages.
    ///   - epochDelay: the wait before each epoch.
    public init(records: [CurveRecord], source: String = "curves", epochDelay: Duration = .zero) {
        var index: [String: CurveRecord] = [:]
        for record in records {
            guard let network = record.network.network else { continue }
            let key = network.canonicalNotation
            if index[key] == nil { index[key] = record }
        }
        self.source = source
        self.epochDelay = epochDelay
        recordsByCanonicalNotation = index
    }

    /// Loads a curves file.
    ///
    /// - Throws: `.curvesFileUnreadable` when it cannot be read, `.curvesFileMalformed` naming the
    ///   line and field of the first bad line.
    public init(contentsOf url: URL, epochDelay: Duration = .zero) throws(TrainerError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .curvesFileUnreadable(path: url.path, reason: error.localizedDescription)
        }
        let records: [CurveRecord]
        do {
            records = try CurvesFile.parse(data)
        } catch {
            throw .curvesFileMalformed(path: url.path, error)
        }
        self.init(records: records, source: url.path, epochDelay: epochDelay)
    }

    /// `replay`.
    public var name: String { "replay" }

    /// The metric name under which a row's `test_accuracy` is reported.
    public static let testAccuracyMetric = "test_accuracy"

    /// The number of distinct canonical networks it can replay.
    public var networkCount: Int { recordsByCanonicalNotation.count }

    /// The record served for a network: the first row with the same canonical form.
    public func record(for architecture: Architecture) -> CurveRecord? {
        record(for: .sequential(architecture))
    }

    /// The record served for a network, sequential or cell: the first row with the same
    /// canonical form.
    public func record(for network: Network) -> CurveRecord? {
        recordsByCanonicalNotation[network.canonicalNotation]
    }

    /// Reports the recorded epochs in `startEpoch + 1 … epochBudget`.
    ///
    /// - Throws: `.invalidSpec`, `.architectureNotRecorded` naming the network, or `.cancelled`.
    public func train(
        _ spec: TrialSpec, report: @Sendable (EpochRecord) async -> EpochDecision
    ) async throws(TrainerError) -> TrainingOutcome {
        try EpochPacing.check(spec)
        guard let record = record(for: spec.network) else {
            throw .architectureNotRecorded(
                notation: spec.network.notation, canonicalNotation: spec.network.canonicalNotation, curvesFile: source)
        }
        let points = zip(record.epochs, record.curve).filter { $0.0 > spec.startEpoch && $0.0 <= spec.epochBudget }
        var lastEpoch = spec.startEpoch
        for (epoch, accuracy) in points {
            try await EpochPacing.waitForEpoch(epochDelay, trialID: spec.trialID, lastEpoch: lastEpoch)
            lastEpoch = epoch
            var metrics: [String: Double] = [:]
            if epoch == record.lastEpoch, let testAccuracy = record.testAccuracy {
                metrics[Self.testAccuracyMetric] = testAccuracy
            }
            if await report(EpochRecord(epoch: epoch, validationAccuracy: accuracy, metrics: metrics)) == .stop,
                epoch < spec.epochBudget
            {
                return TrainingOutcome(ending: .stopRequested, lastEpoch: epoch)
            }
        }
        let ending: TrainingOutcome.Ending = lastEpoch >= spec.epochBudget ? .budgetReached : .endedBeforeBudget
        return TrainingOutcome(ending: ending, lastEpoch: lastEpoch)
    }
}
