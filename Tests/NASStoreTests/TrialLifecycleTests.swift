import XCTest

@testable import NASStore

/// The trial state machine (issue 6 §4): retries, promotions, reuse and the terminal outcomes.
final class TrialLifecycleTests: XCTestCase {
    private func running(budget: Int = 5, maxAttempts: Int = 3) throws -> TrialLifecycle {
        var life = TrialLifecycle(budget: budget, maxAttempts: maxAttempts)
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 1, fromEpoch: 0))
        return life
    }

    func testATrialTrainedToItsBudget_completes() throws {
        var life = try running()
        XCTAssertEqual(life.state, .running)
        XCTAssertEqual(try life.handle(.trainerExited(lastEpoch: 5)), .complete)
        XCTAssertEqual(life.state, .completed)
        XCTAssertEqual(life.epochsDone, 5)
    }

    func testLostJobs_areRetriedUpToMaxAttempts_thenTheTrialFails_andRefundsDoNotCount() throws {
        var life = try running(maxAttempts: 2)
        XCTAssertEqual(try life.handle(.jobEnded(refund: true)), .requeue)
        XCTAssertEqual(life.attempts, 0, "the daemon took the job back itself")
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 1, fromEpoch: 0))
        XCTAssertEqual(try life.handle(.jobEnded(refund: false)), .requeue)
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 2, fromEpoch: 0))
        XCTAssertEqual(try life.handle(.jobEnded(refund: false)), .finish(.failed))
        XCTAssertEqual(life.state, .failed)
    }

    func testATrainerThatKeepsExitingShortOfItsBudget_isRetried_thenIncomplete() throws {
        var life = try running(budget: 5, maxAttempts: 2)
        XCTAssertEqual(try life.handle(.trainerExited(lastEpoch: 2)), .requeue)
        XCTAssertEqual(life.state, .queued)
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 2, fromEpoch: 2))
        XCTAssertEqual(try life.handle(.trainerExited(lastEpoch: 3)), .finish(.incomplete))
        XCTAssertEqual(life.state, .incomplete)
        XCTAssertEqual(try life.handle(.requested(budget: 5)), .trainAfresh, "a partial curve is never reused")
    }

    func testACompletedTrial_answersSmallerBudgets_andIsPromotedForLarger_keepingItsCurve() throws {
        var life = try running(budget: 3)
        _ = try life.handle(.trainerExited(lastEpoch: 3))
        XCTAssertEqual(try life.handle(.requested(budget: 1)), .answer(budget: 1))
        XCTAssertEqual(try life.handle(.requested(budget: 3)), .answer(budget: 3))
        XCTAssertEqual(life.state, .completed)
        XCTAssertEqual(try life.handle(.requested(budget: 9)), .promote(budget: 9))
        XCTAssertEqual(life.state, .queued)
        XCTAssertEqual(life.budget, 9)
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 1, fromEpoch: 3), "trains on from epoch 3")
        XCTAssertEqual(try life.handle(.trainerExited(lastEpoch: 9)), .complete)
    }

    /// A promotion is new work: the retries of a stage are its own (a Hyperband trial promoted
    /// twice and interrupted in its third stage used to end `incomplete` with no retry left).
    func testAPromotion_restartsTheAttempts() throws {
        var life = try running(budget: 1, maxAttempts: 2)
        XCTAssertEqual(try life.handle(.jobEnded(refund: false)), .requeue)
        _ = try life.handle(.dispatched)
        XCTAssertEqual(life.attempts, 2)
        _ = try life.handle(.trainerExited(lastEpoch: 1))
        XCTAssertEqual(try life.handle(.requested(budget: 3)), .promote(budget: 3))
        XCTAssertEqual(life.attempts, 0)
        _ = try life.handle(.dispatched)
        XCTAssertEqual(try life.handle(.jobEnded(refund: false)), .requeue, "the third stage has its retries")
    }

    func testAProposalForMoreEpochs_joinsAnInFlightTrial_raisingAQueuedOnesBudgetAtOnce() throws {
        var queued = TrialLifecycle(budget: 3, maxAttempts: 1)
        XCTAssertEqual(try queued.handle(.requested(budget: 9)), .join(budget: 9))
        XCTAssertEqual(queued.budget, 9, "a queued trial trains to the larger budget directly")
        XCTAssertEqual(try queued.handle(.requested(budget: 1)), .join(budget: 9))

        var running = try running(budget: 3)
        XCTAssertEqual(try running.handle(.requested(budget: 9)), .join(budget: 9))
        XCTAssertEqual(running.budget, 3, "the running job trains to what it was dispatched with")
        XCTAssertEqual(try running.handle(.trainerExited(lastEpoch: 3)), .complete)
        XCTAssertEqual(try running.handle(.requested(budget: 9)), .promote(budget: 9))
    }

    func testStoppedEarlyAndVetoedTrials_answerEveryBudgetWithTheirPrediction() throws {
        var stopped = try running(budget: 5)
        XCTAssertEqual(try stopped.handle(.stoppedEarly(atEpoch: 2)), .finish(.stoppedEarly))
        XCTAssertEqual(try stopped.handle(.requested(budget: 9)), .answer(budget: 9))
        XCTAssertEqual(stopped.state, .stoppedEarly)

        var vetoed = TrialLifecycle(budget: 5, maxAttempts: 1)
        XCTAssertEqual(try vetoed.handle(.vetoed), .finish(.vetoed))
        XCTAssertEqual(try vetoed.handle(.requested(budget: 5)), .answer(budget: 5))
    }

    func testADivergedRestart_dropsTheCurve_andDoesNotUseAnAttempt() throws {
        var life = try running(budget: 5, maxAttempts: 1)
        XCTAssertEqual(try life.handle(.divergedRestart), .requeue)
        XCTAssertEqual(life.attempts, 0)
        XCTAssertEqual(life.epochsDone, 0)
        XCTAssertEqual(try life.handle(.dispatched), .dispatch(attempt: 1, fromEpoch: 0))
    }

    func testEventsTheStateDoesNotAdmit_areRefused_andChangeNothing() throws {
        let queued = TrialLifecycle(budget: 5, maxAttempts: 2)
        var stoppedAtBudget = try running(budget: 5)
        let before = stoppedAtBudget
        XCTAssertThrowsError(try stoppedAtBudget.handle(.stoppedEarly(atEpoch: 5)), "nothing left to save")
        XCTAssertEqual(stoppedAtBudget, before)
        for event: TrialLifecycle.Event in [.trainerExited(lastEpoch: 5), .jobEnded(refund: false), .divergedRestart] {
            var life = queued
            XCTAssertThrowsError(try life.handle(event)) { error in
                XCTAssertEqual((error as? TrialLifecycle.IllegalEvent)?.state, .queued)
            }
            XCTAssertEqual(life, queued)
        }
        var completed = try running(budget: 5)
        _ = try completed.handle(.trainerExited(lastEpoch: 5))
        for event: TrialLifecycle.Event in [.dispatched, .vetoed, .cancelled, .failedForGood] {
            var life = completed
            XCTAssertThrowsError(try life.handle(event), "\(event)")
            XCTAssertEqual(life, completed)
        }
    }

    /// The store refuses a transition `TrialState.canTransition(to:)` does not allow: every move
    /// the lifecycle makes is one it allows, and every edge it allows is one the lifecycle makes.
    func testTheLifecycleAndTheStoresTransitionCheck_agree() throws {
        let events: [TrialLifecycle.Event] = [
            .dispatched, .trainerExited(lastEpoch: 5), .trainerExited(lastEpoch: 2), .jobEnded(refund: false),
            .jobEnded(refund: true), .stoppedEarly(atEpoch: 2), .vetoed, .failedForGood, .cancelled, .divergedRestart,
            .requested(budget: 1), .requested(budget: 9),
        ]
        var made: Set<String> = []
        for state in TrialState.allCases {
            for attempts in [0, 1, 2] {
                for event in events {
                    var life = TrialLifecycle(
                        state: state, attempts: attempts, epochsDone: 3, budget: 5, maxAttempts: 2)
                    guard (try? life.handle(event)) != nil, life.state != state else { continue }
                    XCTAssertTrue(state.canTransition(to: life.state), "\(state) -\(event)-> \(life.state)")
                    made.insert("\(state.rawValue)>\(life.state.rawValue)")
                }
            }
        }
        for from in TrialState.allCases {
            for to in TrialState.allCases where from.canTransition(to: to) {
                XCTAssertTrue(made.contains("\(from.rawValue)>\(to.rawValue)"), "no event moves \(from) to \(to)")
            }
        }
    }
}
