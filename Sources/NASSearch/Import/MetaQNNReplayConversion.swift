import NASCore

/// `nasd convert metaqnn-replay`: an original MetaQNN run's replay database as curves-file rows
/// (docs/predictors.md, "The MetaQNN replay data").
///
/// Each network becomes one row with a one-point curve, its best validation accuracy recorded
/// at epoch 20 (the run's `svhn_auto` schedule: 20 epochs of 533 iterations) with budget 20, so
/// the row is complete and its target is that accuracy. Rows above 1 (the fixture's synthetic
/// rows) are dropped by `MetaQNNReplayDatabase`. A network re-sampled by the original run (or
/// differing from an earlier one only in dropout, which nasd's identity ignores) keeps its first
/// row only: the original reused the stored accuracy, and a duplicate across a train/test split
/// would leak.
public enum MetaQNNReplayConversion {
    /// What to do with networks that never learned (accuracy exactly 0.1, chance on 10 classes:
    /// every learning-rate restart of the original code failed).
    public enum UnlearnedRows: String, Sendable, CaseIterable {
        /// Keep them: they are real outcomes, and the ones a prior most needs to veto (default).
        case keep
        /// Drop them, to measure how well learned networks are ranked among themselves.
        case drop
    }

    /// The accuracy of a network that never learned.
    public static let chanceAccuracy = 0.1
    /// The epochs of the original SVHN schedule.
    public static let epochBudget = 20

    /// The curves rows, in file order, and how many rows each rule removed.
    public struct Result: Sendable {
        /// The rows.
        public var records: [CurveRecord]
        /// Rows rejected by the database (above 1, unparseable).
        public var rejected: Int
        /// Repeated networks dropped.
        public var duplicates: Int
        /// Never-learned networks dropped (0 with `.keep`).
        public var unlearned: Int
    }

    /// Converts a parsed database.
    public static func curveRecords(_ database: MetaQNNReplayDatabase, unlearned: UnlearnedRows = .keep) -> Result {
        var seen = Set<String>()
        var records: [CurveRecord] = []
        var duplicates = 0
        var droppedUnlearned = 0
        for record in database.records {
            guard seen.insert(record.network.canonicalHash).inserted else {
                duplicates += 1
                continue
            }
            if unlearned == .drop, record.accuracy <= chanceAccuracy {
                droppedUnlearned += 1
                continue
            }
            guard let architecture = record.network.architecture else { continue }
            records.append(
                CurveRecord(
                    network: .notation(architecture), curve: [record.accuracy], epochs: [epochBudget],
                    budget: epochBudget, isComplete: true, input: .cifar, id: "\(record.line)"))
        }
        return Result(
            records: records, rejected: database.rejected.count, duplicates: duplicates, unlearned: droppedUnlearned)
    }
}
