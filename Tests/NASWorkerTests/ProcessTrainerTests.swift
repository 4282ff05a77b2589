import Foundation
import NASCore
import NASSystem
import NASTestSupport
import NASWorker
import XCTest

final class ProcessTrainerTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "nasd-proc")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func trainer(_ script: String, environment: [String: String] = [:], gpus: [Int] = [], output: LineCollector)
        -> ProcessTrainer
    {
        let sink = output.sink
        return ProcessTrainer(
            argv: WorkerFixtures.shell(script), environment: environment, visibleGPUs: gpus,
            terminationGrace: .milliseconds(300), cancellationGrace: .milliseconds(300),
            logSink: { sink($0.text) })
    }

    func testTrain_reportsEveryEpochLine_andReachesTheBudget() async throws {
        let output = LineCollector()
        let spec = try WorkerFixtures.spec(budget: 3, directory: directory)
        let trainer = trainer("trainer-epochs.sh", environment: ["FAKE_EXTRA": "yes"], gpus: [2, 3], output: output)
        let (result, records) = await runTrainer(trainer, spec)

        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 3))
        XCTAssertEqual(records.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(records.map(\.validationAccuracy), [0.1, 0.2, 0.3])
        XCTAssertEqual(records.first?.metrics, ["train_loss": 1.5])
        let lines = output.lines
        XCTAssertTrue(lines.contains("cuda=2,3"), "CUDA_VISIBLE_DEVICES is the slot's GPUs: \(lines)")
        XCTAssertTrue(lines.contains("trial=t-1 run=demo seed=42 start=0 extra=yes"), "\(lines)")
        XCTAssertTrue(lines.contains("spec file present"))
        XCTAssertTrue(lines.contains("starting"), "stderr lines reach the log sink too")
        XCTAssertTrue(lines.contains { $0.hasPrefix("NASD_EPOCH ") }, "epoch lines are logged as well")
        XCTAssertEqual(trainer.lastExitStatus, .exited(0))

        let specPath = URL(fileURLWithPath: spec.checkpointDirectory).appendingPathComponent("nasd-trial-spec.json")
        let written = try JSONDecoder().decode(TrialSpec.self, from: Data(contentsOf: specPath))
        XCTAssertEqual(written, spec, "the spec file is the trial's spec")
        XCTAssertTrue(lines.contains("spec=\(specPath.path)"))
    }

    func testTrain_withoutGPUs_leavesCUDAVisibleDevicesAsInherited() async throws {
        let output = LineCollector()
        let spec = try WorkerFixtures.spec(budget: 1, directory: directory)
        let (result, _) = await runTrainer(trainer("trainer-epochs.sh", output: output), spec)
        XCTAssertNoThrow(try result.get())
        let inherited = ProcessInfo.processInfo.environment["CUDA_VISIBLE_DEVICES"] ?? "none"
        XCTAssertTrue(output.lines.contains("cuda=\(inherited)"), "\(output.lines)")
    }

    func testResume_ignoresEpochsAtOrBelowTheStartEpoch() async throws {
        let spec = try WorkerFixtures.spec(budget: 5, startEpoch: 3, directory: directory)
        let (result, records) = await runTrainer(trainer("trainer-epochs.sh", output: LineCollector()), spec)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 5))
        XCTAssertEqual(records.map(\.epoch), [4, 5])
    }

    func testExitZeroBeforeTheBudget_endsBeforeBudget() async throws {
        let spec = try WorkerFixtures.spec(budget: 5, directory: directory)
        let trainer = trainer("trainer-epochs.sh", environment: ["FAKE_LAST_EPOCH": "2"], output: LineCollector())
        let (result, records) = await runTrainer(trainer, spec)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .endedBeforeBudget, lastEpoch: 2))
        XCTAssertEqual(records.count, 2)
    }

    func testNonZeroExit_failsWithTheExitStatusAndTheLastTwentyLines() async throws {
        let spec = try WorkerFixtures.spec(budget: 3, directory: directory)
        let trainer = trainer("trainer-fails.sh", output: LineCollector())
        let (result, records) = await runTrainer(trainer, spec)
        XCTAssertEqual(records.map(\.epoch), [1])
        guard case .failure(.processFailed(let status, let tail)) = result else {
            return XCTFail("expected processFailed, got \(result)")
        }
        XCTAssertEqual(status, 3)
        XCTAssertEqual(tail.count, 20)
        XCTAssertEqual(tail.last, "ValueError: diverged")
        XCTAssertEqual(tail.first, "line 7", "the tail is the last 20 lines, oldest first")
        XCTAssertEqual(trainer.lastExitStatus, .exited(3))
        XCTAssertEqual(trainer.lastLogTail, tail)
    }

    func testStop_whenTheTrainerIgnoresSIGTERM_killsItsGroupAfterTheGrace() async throws {
        let spec = try WorkerFixtures.spec(budget: 10, directory: directory)
        let trainer = trainer("trainer-ignores-term.sh", output: LineCollector())
        let started = monotonicNow()
        let (result, records) = await runTrainer(trainer, spec, stopAtEpoch: 1)
        let elapsed = monotonicNow() - started
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .stopRequested, lastEpoch: 1))
        XCTAssertEqual(records.map(\.epoch), [1])
        XCTAssertEqual(trainer.lastExitStatus, .signaled(SIGKILL))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(300), "SIGKILL only after the grace")
        XCTAssertLessThan(elapsed, .seconds(10))
    }

    func testStop_acceptsTheEpochTheTrainerFinishesAfterSIGTERM() async throws {
        let spec = try WorkerFixtures.spec(budget: 10, directory: directory)
        let output = LineCollector()
        let trainer = trainer("trainer-finishes-on-term.sh", output: output)
        let (result, records) = await runTrainer(trainer, spec, stopAtEpoch: 1)
        XCTAssertEqual(try result.get(), TrainingOutcome(ending: .stopRequested, lastEpoch: 2))
        XCTAssertEqual(records.map(\.epoch), [1, 2])
        XCTAssertTrue(output.lines.contains("saved checkpoint"))
        XCTAssertEqual(trainer.lastExitStatus, .exited(0))
    }

    func testRequestStop_fromOutside_stopsTheTrainerMidEpoch() async throws {
        let spec = try WorkerFixtures.spec(budget: 10, directory: directory)
        let trainer = trainer("trainer-ignores-term.sh", output: LineCollector())
        let collector = EpochCollector()
        async let outcome = trainer.train(spec) { record in
            let decision = await collector.receive(record)
            trainer.requestStop(grace: .milliseconds(100))
            return decision
        }
        let result = try await outcome
        XCTAssertEqual(result, TrainingOutcome(ending: .stopRequested, lastEpoch: 1))
        XCTAssertEqual(trainer.lastExitStatus, .signaled(SIGKILL))
    }

    func testCancellation_terminatesTheProcessGroup_andThrowsCancelled() async throws {
        let spec = try WorkerFixtures.spec(budget: 10, directory: directory)
        let trainer = trainer("trainer-ignores-term.sh", output: LineCollector())
        let firstEpoch = expectation(description: "first epoch reported")
        let task = Task {
            try await trainer.train(spec) { _ in
                firstEpoch.fulfill()
                return .continue
            }
        }
        await fulfillment(of: [firstEpoch], timeout: 10)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled trainer throws")
        } catch {
            XCTAssertEqual(error as? TrainerError, .cancelled(trialID: "t-1", lastEpoch: 1))
        }
        XCTAssertEqual(trainer.lastExitStatus, .signaled(SIGKILL), "SIGTERM ignored, so SIGKILL after the grace")
    }

    func testMalformedEpochLine_failsTheTrialQuotingTheLine() async throws {
        let spec = try WorkerFixtures.spec(budget: 3, directory: directory)
        let (result, records) = await runTrainer(trainer("trainer-bad-epoch.sh", output: LineCollector()), spec)
        XCTAssertTrue(records.isEmpty)
        guard case .failure(.malformedEpochLine(let line, _)) = result else {
            return XCTFail("expected malformedEpochLine, got \(result)")
        }
        XCTAssertEqual(line, #"NASD_EPOCH {"epoch":1,"accuracy":0.5}"#)
    }

    func testMissingProgram_isLaunchFailed() async throws {
        let spec = try WorkerFixtures.spec(budget: 3, directory: directory)
        let trainer = ProcessTrainer(argv: [directory.appendingPathComponent("no-such-trainer").path])
        let (result, _) = await runTrainer(trainer, spec)
        guard case .failure(.launchFailed(let command, _)) = result else {
            return XCTFail("expected launchFailed, got \(result)")
        }
        XCTAssertEqual(command, trainer.argv)
    }
}
