import Foundation
import NASStore
import NASTestSupport
import Synchronization

@testable import NASDaemon

/// A run store whose trials exercise every figure of the report, built through `RunStore`'s API
/// with a clock that advances one second per call (so epochs have an order in time).
///
/// | id | source                  | story                                               |
/// |----|-------------------------|-----------------------------------------------------|
/// | 1  | metaqnn:epsilon=1.0#1   | 4 epochs, completed at 0.60, prior 0.55 (model v1)  |
/// | 2  | metaqnn:epsilon=1.0#2   | 4 epochs, completed at 0.80, prior 0.70 (model v2)  |
/// | 3  | metaqnn:epsilon=1.0#3   | stopped at epoch 2 (stop rule 0.50 ± 0.05, v2)      |
/// | 4  | metaqnn:epsilon=0.5#4   | vetoed before training (prior 0.30 ± 0.10, v3)      |
/// | 5  | metaqnn:epsilon=0.5#5   | 4 epochs, completed at 0.85, prior 0.90 (model v5)  |
/// | 6  | metaqnn:epsilon=0.5#6   | identical to 2: its result reused                   |
/// | 7  | metaqnn:epsilon=0.5#7   | stopped at epoch 1 (stop rule 0.40 ± 0.05, v3)      |
/// | 8  | metaqnn:epsilon=0.5#8   | failed ("trainer exited 1") without an epoch        |
enum ReportFixtures {
    static let budget = 4

    static let networks = [
        "[C(32,3,1), P(2,2), SM(10)]", "[C(64,3,1), C(64,3,1), P(2,2), FC(128), SM(10)]", "[C(16,1,1), SM(10)]",
        "[C(128,5,1), C(128,5,1), SM(10)]", "[C(64,5,1), P(3,2), C(128,3,1), SM(10)]",
        "[C(64,3,1), C(64,3,1), P(2,2), FC(128), SM(10)]", "[C(32,5,1), SM(10)]", "[C(8,3,1), SM(10)]",
    ]

    /// A clock that moves one second forward at every reading.
    static func steppingClock() -> @Sendable () -> Date {
        let tick = Mutex(0.0)
        return {
            tick.withLock { seconds in
                seconds += 1
                return Date(timeIntervalSince1970: 1_700_000_000 + seconds)
            }
        }
    }

    static func newTrial(_ index: Int) -> NewTrial {
        let epsilon = index <= 3 ? "1.0" : "0.5"
        let notation = networks[index - 1]
        return NewTrial(
            canonicalNotation: notation, proposedNotation: notation,
            identityKey: TrialIdentity.key(canonicalHash: notation, hyperparameters: [:]),
            hyperparameters: [:], epochBudget: budget, source: "metaqnn:epsilon=\(epsilon)#\(index)",
            priorPrediction: [1: 0.55, 2: 0.70, 5: 0.90][index].map { Prediction(accuracy: $0, modelVersion: index) })
    }

    /// Creates `<directory>` holding a run named `name` populated as in the table above.
    @discardableResult
    static func populate(in directory: URL, name: String = "report") throws -> RunStore {
        let store = try RunStore(runDirectory: directory, clock: steppingClock())
        try store.createRun(
            NewRun(
                name: name, configurationText: try ControlFixtures.demoConfigurationText(name: name),
                searchIdentity: "test"))
        let lease = Date(timeIntervalSince1970: 1_800_000_000)
        func train(_ index: Int, _ accuracies: [Double]) throws -> (TrialRecord, JobRecord) {
            let trial = try store.insertTrial(newTrial(index))
            let job = try store.dispatchTrial(trial.id, to: "w1", leaseDeadline: lease)
            for (offset, accuracy) in accuracies.enumerated() {
                _ = try store.recordEpochs([
                    EpochReport(trialID: trial.id, epoch: offset + 1, validationAccuracy: accuracy)
                ])
            }
            return (trial, job)
        }
        let (first, firstJob) = try train(1, [0.3, 0.45, 0.55, 0.6])
        try store.finishTrial(first.id, outcome: .completed(finalAccuracy: 0.6), job: firstJob.id)
        let (second, secondJob) = try train(2, [0.5, 0.7, 0.75, 0.8])
        try store.finishTrial(second.id, outcome: .completed(finalAccuracy: 0.8), job: secondJob.id)
        let (third, thirdJob) = try train(3, [0.2, 0.3])
        try store.finishTrial(
            third.id, outcome: .stoppedEarly(Prediction(accuracy: 0.5, sigma: 0.05, modelVersion: 2), atEpoch: 2),
            job: thirdJob.id)
        let fourth = try store.insertTrial(newTrial(4))
        try store.finishTrial(fourth.id, outcome: .vetoed(Prediction(accuracy: 0.3, sigma: 0.1, modelVersion: 3)))
        let (fifth, fifthJob) = try train(5, [0.55, 0.7, 0.8, 0.85])
        try store.finishTrial(fifth.id, outcome: .completed(finalAccuracy: 0.85), job: fifthJob.id)
        try store.insertReusedTrial(newTrial(6), reusing: second.id)
        let (seventh, seventhJob) = try train(7, [0.25])
        try store.finishTrial(
            seventh.id, outcome: .stoppedEarly(Prediction(accuracy: 0.4, sigma: 0.05, modelVersion: 3), atEpoch: 1),
            job: seventhJob.id)
        let (eighth, eighthJob) = try train(8, [])
        try store.finishTrial(eighth.id, outcome: .failed(reason: "trainer exited 1"), job: eighthJob.id)
        return store
    }
}
