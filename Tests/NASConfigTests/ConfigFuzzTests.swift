import Foundation
import NASConfig
import NASTestSupport
import XCTest

/// Seeded fuzzing of the configuration reader (issue 11, §2): bytes → text → YAML → typed
/// configuration. Every input is accepted or refused with a `ConfigError` whose position lies in
/// the file and whose message is for a person; none crashes or hangs.
final class ConfigFuzzTests: XCTestCase {
    /// The budget recorded in docs/RELIABILITY.md.
    static let iterations = 2_500

    static let dictionary = [
        "[", "]", "{", "}", ",", ": ", ":", "- ", "-", "\n", "\n  ", "  ", "\t", "#", " # c", "\"", "'", "\\", "\\u",
        "&a ", "*a", "!!str ", "|", ">", "%YAML", "? ", "---\n", "...\n", "~", "null", "true", ".nan", ".inf",
        "-.inf", "1e309", "99999999999999999999", "-9223372036854775808", "0x1F", "1_000", "kind: ", "space:",
        "strategy:", "name:", "\u{FEFF}", "\r\n", "\r", "é", "\u{0}",
    ]

    private static var seeds: [[UInt8]] {
        var seeds: [[UInt8]] = []
        let configs = TestEnvironment.packageRoot.appendingPathComponent("configs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configs.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            if let data = FileManager.default.contents(atPath: configs.appendingPathComponent(name).path) {
                seeds.append(Array(data))
            }
        }
        seeds.append(
            Array(
                """
                name: t
                seed: 3
                space: {kind: blocks, stages: 2, kernels: [1, 3], input: [3, 32, 32]}
                strategy:
                  kind: random
                training: {epochs: 4, hyperparameters: {learning_rate: 0.1}}
                trainer:
                  command: ["python3", "train.py", "--lr", "{learning_rate}"]
                  env: {A: "1"}
                end: {max_trials: 10, deadline: 1h}
                trial: {max_attempts: 2, timeout: 10m}

                """.utf8))
        return seeds
    }

    func testMutatedAndRandomConfigurations_areAcceptedOrRefusedWithALocatedError() throws {
        var fuzzer = InputFuzzer(seed: 0x5EED_C0F1, seeds: Self.seeds, dictionary: Self.dictionary)
        let report = fuzzer.run(iterations: Self.iterations) { bytes in
            do {
                let text = try ConfigurationText.decode(bytes, file: "fuzz.yaml")
                _ = try RunConfiguration(yaml: text, file: "fuzz.yaml")
                return true
            } catch let error as ConfigError {
                check(error, in: bytes)
                return false
            } catch {
                XCTFail("not a ConfigError: \(error)")
                return false
            }
        }
        print("config fuzz: \(report)")
        XCTAssertGreaterThan(report.accepted, 0, "no mutation was valid: the seeds are not being parsed")
        XCTAssertGreaterThan(report.refused, Self.iterations / 2)
    }

    /// A refusal names a line and column inside the file and says something a person can read.
    private func check(_ error: ConfigError, in bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let lines = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        XCTAssertTrue(
            (1...lines).contains(error.line) && error.column >= 1, "\(error) is outside the input", file: file,
            line: line)
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        for dump in ["Swift.", "DecodingError", "NASCore.", "Optional("] {
            XCTAssertFalse(error.description.contains(dump), "a raw dump: \(error)", file: file, line: line)
        }
    }
}
