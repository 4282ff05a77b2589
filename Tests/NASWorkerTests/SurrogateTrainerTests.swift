import Foundation
import NASCore
import NASWorker
import XCTest

final class SurrogateTrainerTests: XCTestCase {
    private let notation = "[C(128,3,1), P(2,2), C(256,3,1), P(2,2), C(256,3,1), GAP(10), SM(10)]"

    func testTrain_reportsEveryEpochOfTheSurrogateCurve_andReachesTheBudget() async throws {
        let spec = try makeSpec(notation, budget: 10, hyper: ["learning_rate": 0.05])
        let (result, records) = await runTrainer(SurrogateTrainer(), spec)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 10))
        XCTAssertEqual(records.map(\.epoch), Array(1...10))
        XCTAssertEqual(records.map(\.validationAccuracy), try SurrogateBenchmark().curve(for: spec))
        XCTAssertEqual(records[4].metrics["learning_rate"], 0.05)
        XCTAssertEqual(try XCTUnwrap(records[5].metrics["learning_rate"]), 0.005, accuracy: 1e-12)
    }

    func testTrain_aCell_failsWithUnsupportedNetwork_beforeAnyEpoch() async throws {
        let cell = "input,conv3x3-bn-relu,output;0>1,1>2"
        let (result, records) = await runTrainer(SurrogateTrainer(), try makeSpec(cell, budget: 4))
        XCTAssertEqual(result, .failure(.unsupportedNetwork(trainer: "surrogate", notation: cell)))
        XCTAssertTrue(records.isEmpty)
        let nb201 = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"
        let (refused, none) = await runTrainer(SurrogateTrainer(), try makeSpec(nb201, budget: 4))
        XCTAssertEqual(refused, .failure(.unsupportedNetwork(trainer: "surrogate", notation: nb201)))
        XCTAssertTrue(none.isEmpty)
        if case .failure(let error) = result {
            XCTAssertTrue(error.description.contains("sequential networks only"), error.description)
        }
    }

    func testTrain_resumingFromStartEpoch_reportsTheSameTailAsAFreshRun() async throws {
        let fresh = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 12)).1
        let (result, resumed) = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 12, startEpoch: 5))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 12))
        XCTAssertEqual(resumed.map(\.epoch), Array(6...12))
        XCTAssertEqual(resumed, Array(fresh.dropFirst(5)))
    }

    func testTrain_stopsBetweenEpochs_whenTheReportAnswersStop() async throws {
        let (result, records) = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 10), stopAtEpoch: 3)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .stopRequested, lastEpoch: 3))
        XCTAssertEqual(records.map(\.epoch), [1, 2, 3])
    }

    func testTrain_stopAnsweredAtTheLastEpoch_stillReachesTheBudget() async throws {
        let (result, records) = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 4), stopAtEpoch: 4)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 4))
        XCTAssertEqual(records.count, 4)
    }

    func testTrain_startAtTheBudget_reportsNothing() async throws {
        let (result, records) = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 6, startEpoch: 6))
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 6))
        XCTAssertTrue(records.isEmpty)
    }

    func testTrain_cancellationInterruptsTheEpochDelay() async throws {
        let spec = try makeSpec(notation, budget: 5)
        let trainer = SurrogateTrainer(epochDelay: .seconds(600))
        let started = ContinuousClock.now
        let task = Task { await runTrainer(trainer, spec) }
        task.cancel()
        let (result, records) = await task.value
        XCTAssertTrue(records.isEmpty)
        XCTAssertEqual(result, .failure(.cancelled(trialID: "t-1", lastEpoch: 0)))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(60))
    }

    func testTrain_withAShortDelay_stillReportsInOrder() async throws {
        let trainer = SurrogateTrainer(epochDelay: .milliseconds(1))
        let (result, records) = await runTrainer(trainer, try makeSpec(notation, budget: 3))
        XCTAssertEqual(try result.get().ending, .budgetReached)
        XCTAssertEqual(records.map(\.epoch), [1, 2, 3])
    }

    func testTrain_rejectsAStartEpochPastTheBudget() async throws {
        let (result, records) = await runTrainer(SurrogateTrainer(), try makeSpec(notation, budget: 3, startEpoch: 4))
        XCTAssertEqual(result, .failure(.invalidSpec(trialID: "t-1", epochBudget: 3, startEpoch: 4)))
        XCTAssertTrue(records.isEmpty)
    }

    func testTrain_impossibleArchitecture_isATypedErrorNamingIt() async throws {
        let spec = try makeSpec("[C(64,3,1), P(5,3), P(5,3), P(5,3), SM(10)]")
        let (result, _) = await runTrainer(SurrogateTrainer(), spec)
        guard case .failure(.invalidArchitecture(let named, _)) = result else {
            return XCTFail("expected invalidArchitecture, got \(result)")
        }
        XCTAssertEqual(named, spec.network.notation)
    }
}
