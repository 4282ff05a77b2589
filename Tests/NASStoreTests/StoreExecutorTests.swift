import Dispatch
import Foundation
import NASTestSupport
import XCTest

@testable import NASStore

final class StoreExecutorTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "store-exec")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testConcurrentTasks_seeConsistentCounts() async throws {
        let executor = try await StoreExecutor.open(runDirectory: directory)
        _ = try await executor.perform { store in try store.createRun(StoreFixtures.run) }
        let trialCount = 40
        let epochs = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<trialCount {
                group.addTask {
                    let trial = try await executor.perform { store in
                        try store.insertTrial(StoreFixtures.newTrial(index, budget: epochs))
                    }
                    let job = try await executor.perform { store in
                        try store.dispatchTrial(trial.id, to: "w\(index)", leaseDeadline: Date())
                    }
                    for epoch in 1...epochs {
                        let outcomes = try await executor.perform { store in
                            try store.recordEpochs([
                                EpochReport(trialID: trial.id, epoch: epoch, validationAccuracy: Double(index) / 100)
                            ])
                        }
                        XCTAssertEqual(outcomes, [.recorded])
                    }
                    _ = try await executor.perform { store in
                        try store.finishTrial(
                            trial.id, outcome: .completed(finalAccuracy: Double(index) / 100), job: job.id)
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = try await executor.perform { store in try store.trialCounts() }
        let epochsSpent = try await executor.perform { store in try store.epochsSpent() }
        let trials = try await executor.perform { store in try store.trials() }
        let best = try await executor.perform { store in try store.bestTrial() }
        let runningJobs = try await executor.perform { store in try store.runningJobs() }
        XCTAssertEqual(counts[.completed], trialCount)
        XCTAssertEqual(counts[.running], 0)
        XCTAssertEqual(epochsSpent, trialCount * epochs)
        XCTAssertEqual(Set(trials.map(\.id.rawValue)), Set(1...Int64(trialCount)))
        XCTAssertEqual(best?.finalAccuracy, Double(trialCount - 1) / 100)
        XCTAssertEqual(runningJobs, [])
        await executor.close()
    }

    func testPerform_cancelledBeforeItStartsDoesNotRun() async throws {
        let executor = StoreExecutor(try RunStore(runDirectory: directory))
        let gate = DispatchSemaphore(value: 0)
        let blocker = Task { try await executor.perform { _ in gate.wait() } }
        let waiting = Task {
            try await executor.perform { store in try store.insertTrial(StoreFixtures.newTrial(1)).id }
        }
        waiting.cancel()
        gate.signal()
        try await blocker.value
        do {
            _ = try await waiting.value
            XCTFail("a cancelled request ran")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        let trials = try await executor.perform { store in try store.trials() }
        XCTAssertEqual(trials, [])
    }

    func testPerform_cancellationInterruptsRunningSQLite() async throws {
        let executor = StoreExecutor(try RunStore(runDirectory: directory))
        let started = DispatchSemaphore(value: 0)
        let work = Task {
            try await executor.perform { store -> Int in
                started.signal()
                return try store.database.makeStatement(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
                ).firstRow { $0.int(at: 0) } ?? 0
            }
        }
        // Wait for the work to start without blocking a cooperative thread.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                started.wait()
                continuation.resume()
            }
        }
        work.cancel()
        do {
            _ = try await work.value
            XCTFail("an endless query finished")
        } catch {
            XCTAssertTrue((error as? DatabaseError)?.isInterrupted ?? false, "\(error)")
        }
        _ = try await executor.perform { store in try store.insertTrial(StoreFixtures.newTrial(1)) }
        let trials = try await executor.perform { store in try store.trials() }
        XCTAssertEqual(trials.count, 1, "the executor serves the next request normally")
    }

    func testClose_laterCallsFailWithClosed() async throws {
        let executor = try await StoreExecutor.open(runDirectory: directory)
        await executor.close()
        do {
            _ = try await executor.perform { store in try store.run() }
            XCTFail("a closed store answered")
        } catch {
            XCTAssertEqual(error as? RunStoreError, .closed)
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("run.sqlite-wal").path),
            "closing checkpointed and removed the WAL")
    }

    func testOpen_reportsIntegrityFailuresFromTheQueue() async throws {
        try Data(repeating: 0x42, count: 4096).write(to: directory.appendingPathComponent(RunStore.fileName))
        do {
            _ = try await StoreExecutor.open(runDirectory: directory)
            XCTFail("a garbage file opened")
        } catch {
            XCTAssertTrue(error is IntegrityCheckError, "\(error)")
        }
    }
}
