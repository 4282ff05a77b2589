import Foundation
import NASSystem
import NASTestSupport
import XCTest

/// Issue 10 §4: the trainer helper module (`examples/trainers/nasd_trainer.py`) and the PyTorch
/// example. The helper's protocol is checked with a plain-Python fake trainer, by its own unit
/// tests and through a real `nasd run`; the PyTorch example's tests run when torch and
/// scikit-learn are importable and are skipped with a message otherwise.
final class TrainerHelperTests: EndToEndTestCase {
    private var trainers: URL { TestEnvironment.packageRoot.appendingPathComponent("examples/trainers") }

    func testHelperProtocol_unitTestsWithThePlainPythonFakeTrainerPass() async throws {
        try requirePython()
        let outcome = try await Self.python(
            [trainers.appendingPathComponent("test_nasd_trainer.py").path], timeout: 120)
        XCTAssertEqual(outcome.status, .exited(0), outcome.output)
        XCTAssertTrue(outcome.output.contains("OK"), outcome.output)
    }

    func testFakePythonTrainer_underARealRun_reportsEveryEpochTheWorkerStores() async throws {
        try requirePython()
        let directory = try makeTemporaryDirectory()
        let command = ["python3", trainers.appendingPathComponent("fake_python_trainer.py").path]
        let configuration = try write(
            """
            name: fake-python
            seed: 9
            space: {kind: metaqnn, filters: [16], kernels: [3], pools: [[2, 2]], fc_sizes: [32], max_depth: 3}
            strategy: {kind: random}
            training: {epochs: 4, hyperparameters: {epoch_seconds: 0.01}}
            trainer: {command: [\(command.joined(separator: ", "))]}
            end: {max_trials: 3}
            """, to: "fake.yaml", in: directory)
        let state = directory.appendingPathComponent("state")
        let outcome = try await nasd(
            ["run", configuration.path, "--workers", "2"], stateDirectory: state, timeout: 120)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let status = try await status(of: "fake-python", in: state)
        // The tiny space repeats itself: duplicates are reused, not trained (counted apart).
        XCTAssertEqual(status.counts.completed - status.counts.reused, 3, "\(status)")
        XCTAssertTrue(outcome.outputText.contains("top 3 of 3 trained architectures:"), outcome.outputText)
        let curves = try await nasd(["export", "fake-python", "--format", "jsonl"], stateDirectory: state)
        let rows = curves.standardOutput.filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 3, "\(curves)")
        for row in rows {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
            let accuracies = try XCTUnwrap(object["curve"] as? [Double], row)
            XCTAssertEqual(accuracies.count, 4, row)
            XCTAssertEqual(accuracies, accuracies.sorted(), "the fake's curve rises: \(row)")
        }
    }

    func testTorchExample_buildsEveryNetworkKindTrainsOnDigitsAndResumes() async throws {
        try requirePython()
        let probe = try await Self.python(["-c", "import torch, sklearn"], timeout: 120)
        guard probe.status == .exited(0) else {
            throw TestEnvironment.skip(
                "torch or scikit-learn is not importable by python3; the PyTorch example is not exercised")
        }
        let outcome = try await Self.python(
            [trainers.appendingPathComponent("torch/test_train.py").path], timeout: 400)
        XCTAssertEqual(outcome.status, .exited(0), outcome.output)
        let check = try await NASDCommand.run(
            ["config", "check", TestEnvironment.packageRoot.appendingPathComponent("configs/torch-digits.yaml").path])
        XCTAssertEqual(check.exitCode, 0, "\(check)")
    }

    // MARK: - Python

    private func requirePython() throws {
        guard Self.pythonPath != nil else {
            throw TestEnvironment.skip("no python3 on PATH; the trainer helper is not exercised")
        }
    }

    private static var pythonPath: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static func python(_ arguments: [String], timeout: Double) async throws -> (
        status: ExitStatus, output: String
    ) {
        let child = try Subprocess.spawn(.init(executable: pythonPath ?? "python3", arguments: arguments))
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            child.killGroup()
        }
        var lines: [String] = []
        for await line in child.output { lines.append(line.text) }
        let status = await child.waitForExit()
        watchdog.cancel()
        return (status, lines.joined(separator: "\n"))
    }
}
