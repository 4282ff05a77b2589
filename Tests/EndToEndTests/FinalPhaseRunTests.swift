import Foundation
import NASCore
import XCTest

/// Issue 7 §4–§5 through the real daemon and workers: hyperparameter ranges searched with the
/// architecture, each trial's proposal phase, and the final phase — the best networks retrained
/// with several seeds, reported apart by `status`, `best` and the CSV export, resumed after a
/// kill -9 in the middle of it.
final class FinalPhaseRunTests: EndToEndTestCase {
    /// The final phase's part of `nasd status RUN --json`.
    private struct StatusWithFinal: Decodable {
        struct Result: Decodable {
            var searchTrial: Int64
            var searchAccuracy: Double?
            var trials: Int
            var completed: Int
            var validationMean: Double?
            var validationStandardDeviation: Double?
            var testMean: Double?
            var testCount: Int
        }
        var state: String
        var finishReason: String?
        var finalPhase: [Result]?
    }

    /// The fields of `nasd trials RUN --json` this test reads.
    private struct Trial: Decodable {
        var id: Int64
        var state: String
        var canonicalNotation: String
        var hyperparameters: [String: Double]
        var epochBudget: Int
        var finalAccuracy: Double?
        var reusedFrom: Int64?
        var phase: String?
        var finalOf: Int64?
        var finalSeed: Int?
    }

    func testSurrogateRun_withRangesAndAFinalPhase_resumesTheFinalPhaseAfterKill9() async throws {
        let directory = try makeTemporaryDirectory()
        let configuration = try write(
            """
            name: ranged
            seed: 7
            space: {kind: metaqnn, filters: [16, 32], kernels: [3], fc_sizes: [64], max_depth: 4}
            strategy:
              kind: evolution
              population: 4
              sample_size: 2
              cycles: 6
            training:
              epochs: 3
              hyperparameters:
                learning_rate: {log_uniform: [0.001, 0.1]}
                weight_decay: 0.0005
            trainer: {builtin: surrogate, epoch_delay: 0.3s}
            final: {top_k: 2, epochs: 6, seeds: 2, hyperparameters: {weight_decay: 0.0001}}
            """, to: "ranged.yaml", in: directory)
        let state = directory.appendingPathComponent("state")
        let port = try FreePort.pick()
        var daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 3)
        try await submit(configuration, to: daemon)
        let worker = try startWorker(id: "w1", slots: 2, daemon: daemon)

        // Kill the daemon once the final phase has begun and before it is done.
        try await eventually("the final phase to begin", timeout: 90) { () -> Bool? in
            let view = try? await self.nasdJSON(StatusWithFinal.self, ["status", "ranged"], stateDirectory: state)
            guard let results = view?.finalPhase, view?.state == "active" else { return nil }
            return results.allSatisfy { $0.completed == $0.trials } ? nil : true
        }
        await daemon.process.kill()
        // The worker keeps its jobs and re-attaches to the restarted daemon on the same port.
        daemon = try await startDaemon(stateDirectory: state, port: port, leaseTimeout: 3, name: "daemon again")
        let ended = try await waitForRunToEnd("ranged", in: state, timeout: 90)
        XCTAssertEqual(ended.state, "finished", "\(ended)")
        await worker.kill()

        let trials = try await nasdJSON([Trial].self, ["trials", "ranged"], stateDirectory: state)
        let search = trials.filter { $0.finalOf == nil }
        let final = trials.filter { $0.finalOf != nil }
        // Every search trial drew its learning rate from the range and kept the fixed weight decay,
        // and records the generation it was proposed in.
        for trial in search where trial.reusedFrom == nil {
            let rate = try XCTUnwrap(trial.hyperparameters["learning_rate"], "\(trial)")
            XCTAssertTrue((0.001..<0.1).contains(rate), "\(trial)")
            XCTAssertEqual(trial.hyperparameters["weight_decay"], 0.0005)
            XCTAssertNotNil(trial.phase.flatMap { $0.hasPrefix("generation=") ? $0 : nil }, "\(trial)")
        }
        XCTAssertGreaterThan(Set(search.compactMap { $0.hyperparameters["learning_rate"] }).count, 3)

        // The final phase: the two best distinct networks, two seeds each, six epochs, the final
        // weight decay laid over each network's own learning rate; all completed despite the kill.
        let completedSearch = search.filter { $0.state == "completed" && $0.reusedFrom == nil }
        var ranked: [Trial] = []
        for trial in completedSearch.sorted(by: {
            ($0.finalAccuracy ?? 0, -$0.id) > ($1.finalAccuracy ?? 0, -$1.id)
        }) where !ranked.contains(where: { $0.canonicalNotation == trial.canonicalNotation }) {
            ranked.append(trial)
        }
        let chosen = Array(ranked.prefix(2))
        XCTAssertEqual(final.count, 4, "\(final)")
        XCTAssertEqual(Set(final.compactMap(\.finalOf)), Set(chosen.map(\.id)))
        for trial in final {
            let source = try XCTUnwrap(chosen.first { $0.id == trial.finalOf })
            XCTAssertEqual(trial.state, "completed", "\(trial)")
            XCTAssertEqual(trial.phase, "final")
            XCTAssertEqual(trial.epochBudget, 6)
            XCTAssertEqual(trial.canonicalNotation, source.canonicalNotation)
            XCTAssertEqual(trial.hyperparameters["learning_rate"], source.hyperparameters["learning_rate"])
            XCTAssertEqual(trial.hyperparameters["weight_decay"], 0.0001)
        }
        XCTAssertEqual(Set(final.compactMap(\.finalSeed)), [1, 2])

        let view = try await nasdJSON(StatusWithFinal.self, ["status", "ranged"], stateDirectory: state)
        let results = try XCTUnwrap(view.finalPhase)
        XCTAssertEqual(results.map(\.searchTrial), chosen.map(\.id), "best search accuracy first")
        for result in results {
            XCTAssertEqual(result.completed, 2)
            let accuracies = final.filter { $0.finalOf == result.searchTrial }.compactMap(\.finalAccuracy)
            XCTAssertEqual(result.validationMean ?? -1, accuracies.reduce(0, +) / 2, accuracy: 1e-12)
            XCTAssertNil(result.testMean, "the surrogate reports no test accuracy")
        }
        XCTAssertTrue(view.finishReason?.contains("final phase: 2 network(s) retrained, 4 of 4") == true, "\(view)")
        // The search's best is a search trial, whatever the final phase reached.
        let status = try await status(of: "ranged", in: state)
        XCTAssertEqual(status.best?.trial, chosen.first?.id)
    }

    func testNB201ReplayRun_finalPhase_showsValidationAndTestAccuracyApart() async throws {
        let directory = try makeTemporaryDirectory()
        // Rows for every cell of the space with edges none / nor_conv_3x3 (64 cells), in the format
        // `nasd convert nb201` writes: the 12-epoch validation accuracy and the test accuracy apart.
        var rows: [String] = []
        var testAccuracy: [String: Double] = [:]
        for code in 0..<64 {
            let ops = (0..<6).map { (code >> $0) & 1 == 1 ? "nor_conv_3x3" : "none" }
            let arch = "|\(ops[0])~0|+|\(ops[1])~0|\(ops[2])~1|+|\(ops[3])~0|\(ops[4])~1|\(ops[5])~2|"
            let validation = 0.5 + Double(code) / 200
            let test = validation - 0.01 - Double(code % 3) / 100
            testAccuracy[arch] = test
            rows.append(#"{"arch":"\#(arch)","curve":[\#(validation)],"epochs":[12],"test_accuracy":\#(test)}"#)
        }
        _ = try write(rows.joined(separator: "\n") + "\n", to: "rows.jsonl", in: directory)
        let configuration = try write(
            """
            name: nb201-final
            seed: 3
            space: {kind: nb201, ops: [none, nor_conv_3x3]}
            strategy: {kind: random}
            training: {epochs: 12}
            trainer: {builtin: replay, file: rows.jsonl}
            end: {max_trials: 10}
            final: {top_k: 3, epochs: 12, seeds: 2}
            """, to: "nb201.yaml", in: directory)
        let state = directory.appendingPathComponent("state")
        let outcome = try await nasd(["run", configuration.path, "--workers", "2"], stateDirectory: state, timeout: 90)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")

        let view = try await nasdJSON(StatusWithFinal.self, ["status", "nb201-final"], stateDirectory: state)
        XCTAssertEqual(view.state, "finished")
        let results = try XCTUnwrap(view.finalPhase)
        XCTAssertEqual(results.count, 3)
        let trials = try await nasdJSON([Trial].self, ["trials", "nb201-final"], stateDirectory: state)
        for result in results {
            let searchTrial = try XCTUnwrap(trials.first { $0.id == result.searchTrial })
            XCTAssertEqual(result.completed, 2)
            XCTAssertEqual(result.testCount, 2)
            XCTAssertEqual(result.testMean ?? -1, testAccuracy[searchTrial.canonicalNotation] ?? -2, accuracy: 1e-12)
            XCTAssertEqual(result.validationMean ?? -1, searchTrial.finalAccuracy ?? -2, accuracy: 1e-12)
            XCTAssertEqual(result.validationStandardDeviation ?? -1, 0, accuracy: 1e-12, "the replay is exact")
        }
        XCTAssertEqual(
            results.compactMap(\.searchAccuracy), results.compactMap(\.searchAccuracy).sorted(by: >), "best first")

        // `nasd best` lists the search's ranking, then the final phase apart, with test accuracy.
        let best = try await nasd(["best", "nb201-final"], stateDirectory: state)
        XCTAssertEqual(best.exitCode, 0, "\(best)")
        let text = best.outputText
        let finalSection = try XCTUnwrap(text.range(of: "final phase (retrained after the search"), text)
        let firstResult = try XCTUnwrap(results.first)
        let expectedTest = String(format: "%.4f ± 0.0000", firstResult.testMean ?? 0)
        XCTAssertTrue(text[finalSection.upperBound...].contains(expectedTest), text)

        // The CSV export marks final-phase rows and carries their test accuracy.
        let csv = try await nasd(["export", "nb201-final", "--format", "csv"], stateDirectory: state)
        XCTAssertEqual(csv.exitCode, 0, "\(csv)")
        let lines = csv.outputText.split(whereSeparator: \.isNewline).map(String.init)
        let header = try XCTUnwrap(lines.first).split(separator: ",").map(String.init)
        let phase = try XCTUnwrap(header.firstIndex(of: "phase"))
        let finalOf = try XCTUnwrap(header.firstIndex(of: "final_of"))
        let test = try XCTUnwrap(header.firstIndex(of: "final_phase_test_accuracy"))
        let finalRows = lines.dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        .filter { $0[phase] == "final" }
        XCTAssertEqual(finalRows.count, 6)

        // The report shows the final phase in a table of its own.
        let html = directory.appendingPathComponent("report.html")
        let report = try await nasd(["report", "nb201-final", "--out", html.path], stateDirectory: state)
        XCTAssertEqual(report.exitCode, 0, "\(report)")
        let page = try String(contentsOf: html, encoding: .utf8)
        let table = try XCTUnwrap(page.range(of: "Final phase: the best networks retrained"), "no final-phase table")
        XCTAssertTrue(
            page[table.upperBound...].contains(String(format: "%.2f%% ± 0.00%%", (firstResult.testMean ?? 0) * 100)),
            "the final phase's test accuracy")
        XCTAssertTrue(finalRows.allSatisfy { !$0[finalOf].isEmpty && Double($0[test]) != nil }, "\(finalRows)")
    }
}

/// `trainer.checkpoint_root` (issue 7 §3): every trial's checkpoint directory is
/// `ROOT/RUN/TRIAL`, the same for each of its attempts, and the daemon removes the run's
/// checkpoints when the run ends.
final class CheckpointRootRunTests: EndToEndTestCase {
    func testCheckpointRoot_namesEachTrialsDirectory_andTheRunsCheckpointsGoWhenItEnds() async throws {
        let directory = try makeTemporaryDirectory()
        let root = directory.appendingPathComponent("shared-checkpoints")
        let seen = directory.appendingPathComponent("seen.txt")
        // A trainer that keeps a checkpoint file where the spec says, notes the directory and its
        // trial, reports its epochs, and fails trial 2 (one attempt), whose directory must go too.
        let trainer = try write(
            """
            echo "$NASD_TRIAL_ID $NASD_CHECKPOINT_DIR" >> \(seen.path)
            echo checkpoint > "$NASD_CHECKPOINT_DIR/state.ckpt"
            if [ "$NASD_TRIAL_ID" = 2 ]; then exit 3; fi
            e=$((NASD_START_EPOCH + 1))
            while [ $e -le $NASD_BUDGET ]; do
              echo "NASD_EPOCH {\\"epoch\\":$e,\\"val_acc\\":0.5}"
              e=$((e + 1))
            done
            """, to: "trainer.sh", in: directory)
        let configuration = try write(
            """
            name: ckpt
            seed: 4
            space: {kind: metaqnn, filters: [16, 32], kernels: [3], fc_sizes: [64], max_depth: 4}
            strategy: {kind: random}
            training: {epochs: 2}
            trainer: {command: [sh, \(trainer.path)], checkpoint_root: \(root.path)}
            end: {max_trials: 4}
            trial: {max_attempts: 1}
            """, to: "ckpt.yaml", in: directory)
        let state = directory.appendingPathComponent("state")
        let outcome = try await nasd(["run", configuration.path, "--workers", "1"], stateDirectory: state, timeout: 60)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")

        let lines = try String(contentsOf: seen, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 4)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            XCTAssertEqual(parts.last, root.appendingPathComponent("ckpt").appendingPathComponent(parts[0]).path)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.path), "the root itself is the operator's")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("ckpt").path),
            "the run's checkpoints are removed when it ends")
        let status = try await status(of: "ckpt", in: state)
        XCTAssertEqual(status.counts.failed, 1)
    }
}
