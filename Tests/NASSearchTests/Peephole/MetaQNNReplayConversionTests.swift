import NASCore
import NASTestSupport
import XCTest

@testable import NASSearch

/// `nasd convert metaqnn-replay`'s rules, on a small table and on the real database when present.
final class MetaQNNReplayConversionTests: XCTestCase {
    private let table = """
        net,accuracy_best_val,epsilon
        "[C(64,3,1), D(1,2), SM(10)]",0.81,1.0
        "[C(64,3,1), SM(10)]",0.79,1.0
        "[C(128,1,1), SM(10)]",0.1,1.0
        "[C(32,3,1), SM(10)]",86.0,0.7
        """

    func testRepeatsKeepTheirFirstRow_aboveOneIsDropped_unlearnedFollowsTheChoice() throws {
        let database = try MetaQNNReplayDatabase(csv: table)
        let kept = MetaQNNReplayConversion.curveRecords(database)
        XCTAssertEqual(kept.records.map(\.curve), [[0.81], [0.1]])
        XCTAssertEqual(kept.records.map(\.epochs), [[20], [20]])
        XCTAssertEqual(kept.records.map(\.id), ["2", "4"])
        XCTAssertEqual(kept.duplicates, 1)
        XCTAssertEqual(kept.rejected, 1)
        let dropped = MetaQNNReplayConversion.curveRecords(database, unlearned: .drop)
        XCTAssertEqual(dropped.records.map(\.curve), [[0.81]])
        XCTAssertEqual(dropped.unlearned, 1)
        // The rows are a valid curves file.
        XCTAssertEqual(try CurvesFile.parse(try CurvesFile.format(kept.records)), kept.records)
    }

    func testRealDatabase_gives1789DistinctNetworks_1010ThatLearned() throws {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let database = try MetaQNNReplayDatabase(csv: try String(contentsOf: url, encoding: .utf8))
        XCTAssertEqual(MetaQNNReplayConversion.curveRecords(database).records.count, 1789)
        XCTAssertEqual(MetaQNNReplayConversion.curveRecords(database, unlearned: .drop).records.count, 1010)
    }
}
