import Foundation
import NASCore

/// One epoch's metrics for one trial, as received from a worker.
public struct EpochReport: Hashable, Sendable {
    /// The trial reported on.
    public var trialID: TrialID
    /// The epoch, starting at 1.
    public var epoch: Int
    /// Validation accuracy in [0, 1].
    public var validationAccuracy: Double
    /// Further metrics by name.
    public var metrics: [String: Double]
    /// Training time since the trial's previous report (or its dispatch), added to the trial's
    /// `trainingSeconds` when the epoch is new.
    public var trainingSeconds: Double

    /// Creates a report.
    public init(
        trialID: TrialID, epoch: Int, validationAccuracy: Double, metrics: [String: Double] = [:],
        trainingSeconds: Double = 0
    ) {
        self.trialID = trialID
        self.epoch = epoch
        self.validationAccuracy = validationAccuracy
        self.metrics = metrics
        self.trainingSeconds = trainingSeconds
    }

    /// Creates a report from a trainer's epoch record.
    public init(trialID: TrialID, record: EpochRecord, trainingSeconds: Double = 0) {
        self.init(
            trialID: trialID, epoch: record.epoch, validationAccuracy: record.validationAccuracy,
            metrics: record.metrics, trainingSeconds: trainingSeconds)
    }
}

/// What `RunStore.recordEpochs(_:)` did with one report.
public enum EpochReportOutcome: Hashable, Sendable {
    /// Stored: a new epoch.
    case recorded
    /// Already stored (a re-sent report, e.g. after a worker reconnects); the first value is kept.
    case duplicate
    /// Not stored, for this reason; the other reports of the batch are unaffected.
    case rejected(EpochReportRejection)

    /// Whether the report is durable (recorded now or before), so the worker may be acknowledged.
    public var isDurable: Bool {
        switch self {
        case .recorded, .duplicate: return true
        case .rejected: return false
        }
    }
}

/// Why a report was not stored.
public enum EpochReportRejection: Hashable, Sendable {
    /// No trial has that id.
    case unknownTrial
    /// The trial is in a terminal state and takes no more epochs.
    case trialNotActive(TrialState)
    /// The epoch is below 1 or above the trial's budget.
    case epochOutOfRange(epoch: Int, budget: Int)
}

/// One point of a stored learning curve.
public struct CurvePoint: Hashable, Sendable {
    /// The epoch, starting at 1.
    public var epoch: Int
    /// Validation accuracy in [0, 1].
    public var validationAccuracy: Double

    /// Creates a point.
    public init(epoch: Int, validationAccuracy: Double) {
        self.epoch = epoch
        self.validationAccuracy = validationAccuracy
    }
}

/// A stored epoch.
public struct StoredEpoch: Hashable, Sendable {
    /// The epoch, starting at 1.
    public var epoch: Int
    /// Validation accuracy in [0, 1].
    public var validationAccuracy: Double
    /// Further metrics by name.
    public var metrics: [String: Double]
    /// When the daemon received it.
    public var receivedAt: Date

    /// Creates a stored epoch.
    public init(epoch: Int, validationAccuracy: Double, metrics: [String: Double], receivedAt: Date) {
        self.epoch = epoch
        self.validationAccuracy = validationAccuracy
        self.metrics = metrics
        self.receivedAt = receivedAt
    }

    /// The epoch as a trainer's record (dropping the receive time).
    public var record: EpochRecord {
        EpochRecord(epoch: epoch, validationAccuracy: validationAccuracy, metrics: metrics)
    }
}
