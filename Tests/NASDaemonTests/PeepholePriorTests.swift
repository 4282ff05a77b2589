import Foundation
import NASCore
import NASProtocol
import NASStore
import NASTestSupport
import Synchronization
import XCTest

@testable import NASDaemon
@testable import NASSearch

/// Peephole as the prior in the daemon core: vetoes cost no training, every judged trial records
/// the prior's prediction with its model version, and a run with one worker ends the same after
/// a kill -9 (the model-version rule, audits decided from the candidate alone).
final class PeepholePriorTests: XCTestCase {
    /// Small sizes so the fits take milliseconds in a debug build; the threshold lies among its
    /// predictions. The paper's recipe (nasd's extensions off): the workload's veto threshold was
    /// chosen for its predictions, and this suite tests the daemon's mechanics, not the model.
    static let gate = PeepholeGate(
        rule: .below(0.79), trainAfter: 4, retrainEvery: 3, auditFraction: 0.2,
        input: TensorShape(channels: 3, height: 32, width: 32),
        settings: PeepholeSettings(
            typeDimension: 4, kernelDimension: 3, channelDimension: 2, epochDimension: 3, epochTableSize: 10,
            hiddenSize: 8, mlpHiddenSize: 8, epochs: 15, batchSize: 4, learningRate: 1e-2, globalStatistics: false,
            standardizeTargets: false, cosineDecay: false),
        seed: 23)

    private let token = "tok"

    private let configuration = OneWorkerRun.configuration(trials: 16)

    private struct Outcome: Hashable, CustomStringConvertible {
        var notation: String
        var state: TrialState
        var prior: Prediction?
        var final: Double?
        var description: String {
            "\(state) \(prior.map { "\($0.accuracy) v\($0.modelVersion ?? 0)" } ?? "-") \(notation)"
        }
    }

    /// Runs the search with one worker slot; each fit's result is posted `fitDelay` batches after
    /// it was asked for; with `killAfter`, the core is replaced by a fresh one over the same state
    /// directory after that many batches (fits in flight are lost with it).
    /// With `damagingModels`, every stored model is overwritten with bytes no build decodes while
    /// the core is down.
    private func run(
        fitDelay: Int, killAfter: Int? = nil, damagingModels: Bool = false
    ) throws -> (outcomes: [Outcome], fits: Int, storedModelJobs: Int) {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "sched")
        var storedModelJobs = 0
        defer { try? FileManager.default.removeItem(at: directory) }
        let fits = try OneWorkerRun.run(
            configuration: configuration, in: directory, token: token, predictors: RunPredictors(gate: Self.gate),
            fitDelay: fitDelay,
            killAfter: killAfter,
            beforeRestart: { directory in
                guard damagingModels else { return }
                let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
                XCTAssertFalse(try store.predictorModelVersions().isEmpty, "a model to damage")
                try store.database.execute(sql: "UPDATE predictor_models SET bytes = x'00'")
            },
            onFit: { job in
                if case .stored = job.source { storedModelJobs += 1 }
            })
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        XCTAssertEqual(try store.run()?.state, .finished)
        XCTAssertEqual(try store.trials(in: [.failed]).map { $0.failureReason ?? "" }, [])
        let outcomes = try store.trials().filter { $0.reusedFrom == nil }.map {
            Outcome(notation: $0.canonicalNotation, state: $0.state, prior: $0.priorPrediction, final: $0.finalAccuracy)
        }
        // Every model a prediction names is in the store under that version, and decodes.
        for version in Set(outcomes.compactMap { $0.prior?.modelVersion }) {
            let stored = try XCTUnwrap(
                try store.predictorModel(named: "prior/peephole", version: version), "v\(version)")
            XCTAssertNoThrow(try Self.gate.decodeModel(stored.bytes))
        }
        return (outcomes, fits, storedModelJobs)
    }

    func testVetoes_recordPredictions_andSurviveAKill() throws {
        let immediate = try run(fitDelay: 0)
        let vetoed = immediate.outcomes.filter { $0.state == .vetoed }
        XCTAssertFalse(vetoed.isEmpty, "the workload must exercise the veto: \(immediate.outcomes)")
        XCTAssertTrue(vetoed.allSatisfy { $0.final == nil && ($0.prior?.modelVersion ?? 0) >= 1 }, "\(vetoed)")
        let judged = immediate.outcomes.filter { $0.prior != nil && $0.state != .vetoed }
        XCTAssertFalse(judged.isEmpty, "admitted trials keep the prior's prediction: \(immediate.outcomes)")
        XCTAssertGreaterThan(immediate.fits, 1)
        XCTAssertEqual(immediate.storedModelJobs, 0)
        // After 25 batches no model is in force yet; after 40 one is stored, and after the restart
        // a job decodes it (off the commit thread) instead of fitting it again: one job more than
        // the uninterrupted run asked for.
        for (kill, decoded) in [(25, 0), (40, 1)] {
            let killed = try run(fitDelay: 0, killAfter: kill)
            XCTAssertEqual(killed.outcomes, immediate.outcomes, "killed after \(kill) batches")
            XCTAssertEqual(killed.storedModelJobs, decoded, "killed after \(kill) batches")
            XCTAssertEqual(killed.fits, immediate.fits + decoded, "killed after \(kill) batches")
        }
    }

    /// A stored model that cannot be decoded after a restart (another build wrote it) is refit, and
    /// the refit replaces it: every model the run names decodes at the end (`run`), so the next
    /// restart decodes instead of refitting again; the run is the same, as fits are pure.
    func testUndecodableStoredModel_isRefitAndReplaced() throws {
        let immediate = try run(fitDelay: 0)
        let damaged = try run(fitDelay: 0, killAfter: 40, damagingModels: true)
        XCTAssertEqual(damaged.outcomes, immediate.outcomes)
        XCTAssertEqual(damaged.storedModelJobs, 1, "the job that finds the damaged model refits it")
        XCTAssertEqual(damaged.fits, immediate.fits + 1)
    }

    func testStatus_showsThePriorsFigures_asTheStoredTrialsGiveThem() throws {
        var gate = Self.gate
        gate.auditFraction = 0.5
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "priorfig")
        defer { try? FileManager.default.removeItem(at: directory) }
        try OneWorkerRun.run(
            configuration: OneWorkerRun.configuration(trials: 24), in: directory, token: token,
            predictors: RunPredictors(gate: gate), fitDelay: 0)
        let store = try RunStore(runDirectory: directory.appendingPathComponent("p"), mode: .mustExist)
        let figures = try XCTUnwrap(try RunViews.status(of: store).prior)
        let trials = try store.trials().filter { $0.reusedFrom == nil }
        // Recomputed here from the stored trials, independently of the view's code.
        XCTAssertEqual(figures.vetoed, trials.filter { $0.state == .vetoed }.count)
        XCTAssertGreaterThan(figures.vetoed, 0, "the workload must exercise the veto")
        let audited = try trials.filter { trial in
            try store.events(of: trial.id).contains { $0.kind == "prior.audited_veto" }
        }
        XCTAssertEqual(figures.audited, audited.count)
        XCTAssertGreaterThan(figures.audited, 0, "half the would-be vetoes are audited")
        for trial in audited {
            // An audited veto was predicted below the rule's 0.79 and trained anyway.
            XCTAssertLessThan(try XCTUnwrap(trial.priorPrediction).accuracy, 0.79)
            XCTAssertNotEqual(trial.state, .vetoed)
        }
        let completed = trials.filter { $0.state == .completed }
        let finals = completed.compactMap(\.finalAccuracy).sorted(by: >)
        let cut = finals[(finals.count + 9) / 10 - 1]
        XCTAssertEqual(
            figures.auditedInTopDecile, audited.filter { $0.state == .completed && $0.finalAccuracy! >= cut }.count)
        XCTAssertEqual(figures.auditedCompleted, audited.filter { $0.state == .completed }.count)
        let pairs = completed.compactMap { t in t.priorPrediction.map { ($0.accuracy, t.finalAccuracy!) } }
        XCTAssertEqual(figures.tauTrials, pairs.count)
        XCTAssertGreaterThan(pairs.count, 2)
        // Kendall τ-b by counting pairs.
        var (concordant, discordant, tiesX, tiesY) = (0.0, 0.0, 0.0, 0.0)
        for i in 0..<pairs.count {
            for j in (i + 1)..<pairs.count {
                let (dx, dy) = (pairs[i].0 - pairs[j].0, pairs[i].1 - pairs[j].1)
                if dx == 0 && dy == 0 { continue }
                if dx == 0 {
                    tiesX += 1
                } else if dy == 0 {
                    tiesY += 1
                } else if (dx > 0) == (dy > 0) {
                    concordant += 1
                } else {
                    discordant += 1
                }
            }
        }
        let tau =
            (concordant - discordant)
            / ((concordant + discordant + tiesX) * (concordant + discordant + tiesY)).squareRoot()
        XCTAssertEqual(try XCTUnwrap(figures.kendallTau), tau, accuracy: 1e-12)
    }
}
