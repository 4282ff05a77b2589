import Foundation
import NASCore
import NASSearch
import NASTestSupport
import XCTest

/// The warm start from the original MetaQNN log (`metaqnn-replay/`, from `bowenbaker/metaqnn`'s
/// test fixtures: an SVHN run, 12 layers at most, 1,910 real rows and 73 synthetic ones).
final class MetaQNNImportTests: XCTestCase {
    private func database(acceptsAnyAccuracy: Bool = false) throws -> MetaQNNReplayDatabase {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        return try MetaQNNReplayDatabase(
            csv: try String(contentsOf: url, encoding: .utf8), acceptsAnyAccuracy: acceptsAnyAccuracy)
    }

    static let paperSchedule: [EpsilonSchedule.Step] = [
        .init(epsilon: 1, models: 1500), .init(epsilon: 0.9, models: 100), .init(epsilon: 0.8, models: 100),
        .init(epsilon: 0.7, models: 100), .init(epsilon: 0.6, models: 150), .init(epsilon: 0.5, models: 150),
        .init(epsilon: 0.4, models: 150), .init(epsilon: 0.3, models: 150), .init(epsilon: 0.2, models: 150),
        .init(epsilon: 0.1, models: 150),
    ]

    func testReplayDatabase_dropsTheSyntheticRows() throws {
        let database = try database()
        XCTAssertEqual(database.rowCount, 1983)
        XCTAssertEqual(database.records.count, 1910)
        XCTAssertEqual(database.rejected.count, 73)
        XCTAssertEqual(database.rejected.first?.line, 1912, "header on line 1, data row 1911 is line 1912")
    }

    /// Counts computed independently from the CSV (pandas-style `drop_duplicates` on the
    /// dropout-free networks, as the original's `number_trained_unique`): 1,526 unique networks
    /// first trained at ε = 1.0, 147 at 0.9, 116 at 0.8; so the paper's schedule resumes at 0.7.
    func testImport_reproducesTheLogsEpsilonPosition_andHasALegalGreedyPath() throws {
        let (strategy, summary) = try Self.svhnImport.get()
        XCTAssertEqual(summary.rows, 1910)
        XCTAssertEqual(summary.imported, 1910, "every real row is legal in the SVHN space")
        XCTAssertEqual(summary.uniqueNetworks, 1789)
        XCTAssertEqual(summary.neverLearned, 884)
        XCTAssertEqual(summary.lastEpsilon, 0.8)
        XCTAssertEqual(summary.uniqueAtLastEpsilon, 116)
        XCTAssertEqual(Array(strategy.schedule.counts.prefix(4)), [1526, 147, 116, 0])
        XCTAssertEqual(strategy.schedule.epsilon, 0.7)
        XCTAssertEqual(strategy.replayMemory.count, 1910)
        let greedy = strategy.greedyTrajectory()
        XCTAssertNoThrow(try MetaQNNSpace(configuration: .svhn).trajectory(of: greedy.network))
    }

    /// The figures of docs/metaqnn-import.md: the Q-table learned from the 1,910 real rows against
    /// the original's `q_values.csv`. With NASD_IMPORT_FIGURES=1 it also imports all 1,983 rows
    /// (synthetic accuracies included, as the original code saw them) and prints both.
    func testImportedQTable_againstTheOriginalsQValues() throws {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/q_values.csv")
        let original = try MetaQNNOriginalQValues(csv: try String(contentsOf: url, encoding: .utf8))
        XCTAssertEqual(original.entries.count, 4161)
        var imports = [try Self.svhnImport.get()]
        if ProcessInfo.processInfo.environment["NASD_IMPORT_FIGURES"] == "1" {
            imports.append(try Self.importLog(acceptsAnyAccuracy: true))
        } else {
            print("note: set NASD_IMPORT_FIGURES=1 to compare the import with the synthetic rows too")
        }
        for (strategy, summary) in imports {
            let comparison = QTableComparison(
                strategy, space: try MetaQNNSpace(configuration: .svhn), original: original)
            print(
                "compare (\(summary.imported) rows): shared \(comparison.sharedPairs), original-only "
                    + "\(comparison.originalOnlyPairs), mean |ΔQ| \(comparison.meanAbsoluteDifference), max "
                    + "\(comparison.maxAbsoluteDifference), r \(comparison.correlation), greedy agree "
                    + "\(comparison.agreeingGreedyStates)/\(comparison.comparableStates), shared prefix "
                    + "\(comparison.sharedGreedyPrefix)")
            print("ours:   \(comparison.importedGreedy.map { "\($0.network) Q=\($0.value)" } ?? "-")")
            print("theirs: \(comparison.originalGreedy.map { "\($0.network) Q=\($0.value)" } ?? "-")")
            XCTAssertGreaterThan(comparison.sharedPairs, 4000)
            XCTAssertGreaterThan(comparison.correlation, 0.3)
            XCTAssertNotNil(comparison.originalGreedy, "the original's greedy path is legal in the SVHN space")
        }
    }

    /// One import of the real rows, shared by the tests (an import replays 1,910 × 128 trajectories).
    private static let svhnImport = Result { try importLog(acceptsAnyAccuracy: false) }

    private static func importLog(acceptsAnyAccuracy: Bool) throws -> (MetaQNN<MetaQNNSpace>, WarmStartSummary) {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let database = try MetaQNNReplayDatabase(
            csv: try String(contentsOf: url, encoding: .utf8), acceptsAnyAccuracy: acceptsAnyAccuracy)
        var strategy = MetaQNN(
            space: try MetaQNNSpace(configuration: .svhn), parameters: MetaQNNParameters(schedule: paperSchedule),
            hyperparameters: [:], budget: 20, seed: 1)
        let summary = strategy.warmStart(from: database.records)
        return (strategy, summary)
    }
}
