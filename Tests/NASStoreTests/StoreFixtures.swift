import Foundation

@testable import NASStore

/// Small builders shared by the run-store tests.
enum StoreFixtures {
    /// A fixed clock: tests compare timestamps exactly.
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func clock() -> @Sendable () -> Date { { epoch } }

    static func newTrial(_ index: Int, budget: Int = 20, source: String = "random") -> NewTrial {
        let hyperparameters = ["learning_rate": 0.001 * Double(index % 5 + 1), "weight_decay": 0.0005]
        return NewTrial(
            canonicalNotation: "[C(64,3,1), FC(\(index + 10)), SM(10)]",
            proposedNotation: "[C(64,3,1), D(0.1), FC(\(index + 10)), SM(10)]",
            identityKey: TrialIdentity.key(
                canonicalHash: "hash\(index)", hyperparameters: hyperparameters),
            hyperparameters: hyperparameters, epochBudget: budget, source: source)
    }

    static let run = NewRun(name: "demo", configurationText: "name: demo\nseed: 7\n", searchIdentity: "space=x;seed=7")
}
