import Foundation
import NASCore
import NASTestSupport
import NASWorker
import XCTest

final class ReplayTrainerTests: XCTestCase {
    private let curves = """
        {"arch":"[C(64,3,1), D(1,2), P(2,2), D(2,2), SM(10)]","curve":[0.2,0.4,0.5,0.55,0.6],"id":"first"}
        {"arch":"[C(64,3,1), P(2,2), SM(10)]","curve":[0.9,0.9,0.9,0.9,0.9],"id":"duplicate"}
        {"arch":"[C(128,3,1), SM(10)]","curve":[0.3,0.35,0.4],"budget":8,"complete":false}
        {"arch":"[C(256,1,1), SM(10)]","curve":[0.5,0.6,0.7,0.8],"epochs":[4,12,36,108]}
        {"cell":{"ops":[-1,0,-2],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]},"curve":[0.9]}
        """

    private func trainer() throws -> ReplayTrainer {
        ReplayTrainer(records: try CurvesFile.parse(curves), source: "test.jsonl")
    }

    func testTrain_servesTheFirstRecordOfTheCanonicalNetwork() async throws {
        let replay = try trainer()
        XCTAssertEqual(replay.networkCount, 4, "duplicates collapse, the cell is indexed too")
        let (result, records) = await runTrainer(replay, try makeSpec("[C(64,3,1), P(2,2), SM(10)]", budget: 5))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 5))
        XCTAssertEqual(records.map(\.validationAccuracy), [0.2, 0.4, 0.5, 0.55, 0.6])
        XCTAssertEqual(records.map(\.epoch), [1, 2, 3, 4, 5])
        XCTAssertEqual(replay.record(for: try Architecture(notation: "[C(64,3,1), P(2,2), SM(10)]"))?.id, "first")
    }

    func testTrain_nb201Rows_areFoundByTheirString_andReportTheTestAccuracyOnTheLastEpoch() async throws {
        let arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
        let records = try CurvesFile.parse(
            """
            {"arch":"\(arch)","curve":[0.7,0.83],"epochs":[6,12],"test_accuracy":0.9366}
            {"arch":"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|","curve":[0.1],"epochs":[12]}
            """)
        let replay = ReplayTrainer(records: records, source: "nb201.jsonl")
        XCTAssertEqual(replay.networkCount, 2)
        let (result, served) = await runTrainer(replay, try makeSpec(arch, budget: 12))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 12))
        XCTAssertEqual(served.map(\.validationAccuracy), [0.7, 0.83])
        XCTAssertEqual(served.map { $0.metrics[ReplayTrainer.testAccuracyMetric] }, [nil, 0.9366])
        let (_, prefix) = await runTrainer(replay, try makeSpec(arch, budget: 6))
        XCTAssertEqual(prefix.map(\.metrics), [[:]], "a prefix is not the fully trained network")
        let (_, plain) = await runTrainer(
            replay, try makeSpec("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", budget: 12))
        XCTAssertEqual(plain.map(\.metrics), [[:]])
    }

    func testTrain_cellRecords_areFoundByTheCanonicalFormOfThePrunedCell() async throws {
        let records = try CurvesFile.parse(
            """
            {"cell":{"ops":[-1,0,1,-2],"adjacency":[[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]]},\
            "curve":[0.5,0.6,0.7,0.8],"epochs":[4,12,36,108],"id":"nb101"}
            {"cell":{"ops":["input","conv1x1-bn-relu","output"],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]},\
            "curve":[0.4],"epochs":[108],"id":"named"}
            {"cell":{"ops":[-1,0,-2],"adjacency":[[0,1,0],[0,0,0],[0,0,0]]},"curve":[0.1],"id":"disconnected"}
            {"cell":{"ops":[-1,0,-2,-3],"adjacency":[[0,1,0,0],[0,0,1,0],[0,0,0,0],[0,0,0,0]]},"curve":[0.3],\
            "epochs":[108],"id":"padded"}
            """)
        let replay = ReplayTrainer(records: records, source: "cells.jsonl")
        XCTAssertEqual(replay.networkCount, 3, "the disconnected cell has no canonical form")
        // The same graph with its interior vertices in the other order, plus a dangling max-pool.
        let relabelled = "input,conv1x1-bn-relu,conv3x3-bn-relu,maxpool3x3,output;0>1,0>2,0>3,1>4,2>4"
        XCTAssertEqual(replay.record(for: try Network(notation: relabelled))?.id, "nb101")
        XCTAssertEqual(replay.record(for: try Network(notation: "input,conv3x3-bn-relu,output;0>1,1>2"))?.id, "padded")

        let (result, served) = await runTrainer(replay, try makeSpec(relabelled, budget: 108, startEpoch: 4))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 108))
        XCTAssertEqual(served.map(\.epoch), [12, 36, 108])
        XCTAssertEqual(served.map(\.validationAccuracy), [0.6, 0.7, 0.8])

        let unknown = "input,maxpool3x3,output;0>1,1>2"
        let (missing, none) = await runTrainer(replay, try makeSpec(unknown, budget: 108))
        XCTAssertEqual(
            missing,
            .failure(.architectureNotRecorded(notation: unknown, canonicalNotation: unknown, curvesFile: "cells.jsonl"))
        )
        XCTAssertTrue(none.isEmpty)
    }

    func testTrain_unknownArchitecture_isAnErrorThatNamesIt() async throws {
        let spec = try makeSpec("[C(512,5,1), SM(10)]")
        let (result, records) = await runTrainer(try trainer(), spec)
        XCTAssertEqual(
            result,
            .failure(
                .architectureNotRecorded(
                    notation: "[C(512,5,1), SM(10)]", canonicalNotation: "[C(512,5,1), SM(10)]",
                    curvesFile: "test.jsonl")))
        XCTAssertTrue(records.isEmpty)
        if case .failure(let error) = result {
            XCTAssertTrue(error.description.contains("[C(512,5,1), SM(10)]"), error.description)
        }
    }

    func testTrain_resumesFromStartEpoch() async throws {
        let (result, records) = await runTrainer(
            try trainer(), try makeSpec("[C(64,3,1), P(2,2), SM(10)]", budget: 5, startEpoch: 3))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 5))
        XCTAssertEqual(records.map(\.epoch), [4, 5])
        XCTAssertEqual(records.map(\.validationAccuracy), [0.55, 0.6])
    }

    func testTrain_stopsBetweenEpochs() async throws {
        let (result, records) = await runTrainer(
            try trainer(), try makeSpec("[C(64,3,1), P(2,2), SM(10)]", budget: 5), stopAtEpoch: 2)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .stopRequested, lastEpoch: 2))
        XCTAssertEqual(records.map(\.epoch), [1, 2])
    }

    func testTrain_curveShorterThanTheBudget_endsTheTrialAtItsEnd() async throws {
        let (result, records) = await runTrainer(try trainer(), try makeSpec("[C(128,3,1), SM(10)]", budget: 8))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .endedBeforeBudget, lastEpoch: 3))
        XCTAssertEqual(records.map(\.epoch), [1, 2, 3])
    }

    func testTrain_resumedPastTheEndOfAShortCurve_endsAtOnce() async throws {
        let (result, records) = await runTrainer(
            try trainer(), try makeSpec("[C(128,3,1), SM(10)]", budget: 8, startEpoch: 3))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .endedBeforeBudget, lastEpoch: 3))
        XCTAssertTrue(records.isEmpty)
    }

    func testTrain_curveLongerThanTheBudget_isCutAtTheBudget() async throws {
        let (result, records) = await runTrainer(try trainer(), try makeSpec("[C(64,3,1), P(2,2), SM(10)]", budget: 2))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 2))
        XCTAssertEqual(records.map(\.validationAccuracy), [0.2, 0.4])
    }

    func testTrain_sparseEpochs_serveTheRecordedIndicesInRange() async throws {
        let (result, records) = await runTrainer(
            try trainer(), try makeSpec("[C(256,1,1), SM(10)]", budget: 36, startEpoch: 4))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 36))
        XCTAssertEqual(records.map(\.epoch), [12, 36])
        XCTAssertEqual(records.map(\.validationAccuracy), [0.6, 0.7])
    }

    func testTrain_cancellationInterruptsTheEpochDelay() async throws {
        let replay = ReplayTrainer(records: try CurvesFile.parse(curves), epochDelay: .seconds(600))
        let spec = try makeSpec("[C(64,3,1), P(2,2), SM(10)]", budget: 5)
        let task = Task { await runTrainer(replay, spec) }
        task.cancel()
        let (result, records) = await task.value
        XCTAssertTrue(records.isEmpty)
        XCTAssertEqual(result, .failure(.cancelled(trialID: "t-1", lastEpoch: 0)))
    }

    func testLoad_readsACurvesFile() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("curves.jsonl")
        try Data(curves.utf8).write(to: url)
        let replay = try ReplayTrainer(contentsOf: url)
        XCTAssertEqual(replay.source, url.path)
        XCTAssertEqual(replay.networkCount, 4)
    }

    func testLoad_malformedFile_namesThePathLineAndField() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("bad.jsonl")
        try Data((curves + "\n{\"arch\":\"[SM(10)]\",\"curve\":[2]}\n").utf8).write(to: url)
        XCTAssertThrowsError(try ReplayTrainer(contentsOf: url)) { error in
            guard case TrainerError.curvesFileMalformed(let path, let fileError) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(fileError.line, 6)
            XCTAssertEqual(fileError.field, "curve[0]")
        }
    }

    func testLoad_missingFile_isUnreadable() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("absent.jsonl")
        XCTAssertThrowsError(try ReplayTrainer(contentsOf: url)) { error in
            guard case TrainerError.curvesFileUnreadable(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
    }
}
