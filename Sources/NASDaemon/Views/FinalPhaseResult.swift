import Foundation
import NASStore
import NASWorker

/// One network of the final phase: the search's accuracy for it, and its retraining's validation
/// and test accuracy over the seeds that completed, as mean ± sample standard deviation (0 for a
/// single seed). Shown apart from the search's results by `nasd status`, `nasd best` and the CSV
/// export.
public struct FinalPhaseResult: Codable, Hashable, Sendable {
    /// The search trial whose network was retrained.
    public var searchTrial: Int64
    /// Its notation.
    public var notation: String
    /// Its final validation accuracy in the search.
    public var searchAccuracy: Double?
    /// Final-phase trials for it (one per seed).
    public var trials: Int
    /// Of those, the completed ones.
    public var completed: Int
    /// Validation accuracy of the completed seeds: mean and standard deviation.
    public var validationMean: Double?
    public var validationStandardDeviation: Double?
    /// Test accuracy (`test_accuracy`) of the completed seeds that reported one.
    public var testMean: Double?
    public var testStandardDeviation: Double?
    /// How many completed seeds reported a test accuracy.
    public var testCount: Int

    /// Groups final-phase trials by the search trial they retrain, in the order the final phase
    /// queued them (best search accuracy first).
    ///
    /// - Parameters:
    ///   - trials: final-phase trials (others are ignored), with their test accuracies.
    ///   - searchTrials: the search trials they retrain, by id.
    public static func aggregate(_ trials: [TrialView], searchTrials: [Int64: TrialView]) -> [FinalPhaseResult] {
        var order: [Int64] = []
        var groups: [Int64: [TrialView]] = [:]
        for trial in trials.sorted(by: { $0.id < $1.id }) {
            guard let searchID = trial.finalOf else { continue }
            if groups[searchID] == nil { order.append(searchID) }
            groups[searchID, default: []].append(trial)
        }
        return order.map { searchID in
            let members = groups[searchID] ?? []
            let completed = members.filter { $0.state == .completed }
            let validation = completed.compactMap(\.finalAccuracy)
            let test = completed.compactMap(\.testAccuracy)
            let search = searchTrials[searchID]
            return FinalPhaseResult(
                searchTrial: searchID, notation: search?.notation ?? members.first?.notation ?? "",
                searchAccuracy: search?.finalAccuracy, trials: members.count, completed: completed.count,
                validationMean: mean(validation), validationStandardDeviation: standardDeviation(validation),
                testMean: mean(test), testStandardDeviation: standardDeviation(test), testCount: test.count)
        }
    }

    /// The results of a run's final phase (empty before it begins).
    public static func results(of store: RunStore) throws -> [FinalPhaseResult] {
        let trials = try store.finalPhaseTrials().map { record in
            TrialView(record: record, testAccuracy: try testAccuracy(of: record, in: store))
        }
        var searchTrials: [Int64: TrialView] = [:]
        for id in Set(trials.compactMap(\.finalOf)) {
            if let record = try store.trial(TrialID(rawValue: id)) { searchTrials[id] = TrialView(record: record) }
        }
        return aggregate(trials, searchTrials: searchTrials)
    }

    /// The completed final-phase trials, with their test accuracies, by id.
    static func completedTrials(of store: RunStore) throws -> [TrialView] {
        try store.finalPhaseTrials().filter { $0.state == .completed }.map { record in
            TrialView(record: record, testAccuracy: try testAccuracy(of: record, in: store))
        }
    }

    /// The `test_accuracy` metric of a trial's last epoch.
    static func testAccuracy(of record: TrialRecord, in store: RunStore) throws -> Double? {
        try store.epochs(of: record.id).last?.metrics[ReplayTrainer.testAccuracyMetric]
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation; 0 for one value, nil for none.
    private static func standardDeviation(_ values: [Double]) -> Double? {
        guard let mean = mean(values) else { return nil }
        guard values.count > 1 else { return 0 }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
