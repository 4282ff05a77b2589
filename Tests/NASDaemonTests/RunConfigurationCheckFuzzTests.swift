import Foundation
import NASConfig
import NASTestSupport
import XCTest

@testable import NASDaemon

/// Seeded fuzzing of the whole `RunConfigurationCheck` (issue 11, §2): mutated valid
/// configurations, biased towards extreme numbers, go through decoding, strategy and space
/// construction and network sampling. Every one is accepted or refused with a located
/// `ConfigError`; none traps on an overflow or hangs in sampling.
final class RunConfigurationCheckFuzzTests: XCTestCase {
    /// The budget recorded in docs/RELIABILITY.md.
    static let iterations = 2_000

    func testMutatedConfigurations_passEveryCheckOrAreRefusedWithALocatedError() throws {
        var seeds: [[UInt8]] = []
        let configs = TestEnvironment.packageRoot.appendingPathComponent("configs")
        for name in try FileManager.default.contentsOfDirectory(atPath: configs.path).sorted()
        where name.hasSuffix(".yaml") {
            if let data = FileManager.default.contents(atPath: configs.appendingPathComponent(name).path) {
                seeds.append(Array(data))
            }
        }
        let dictionary = [
            "0", "1", "2", "-1", "9223372036854775807", "-9223372036854775808", "4611686018427387904", "65536",
            "1e308", "0.0", ".nan", "[0]", "[1, 1, 1]", "[9223372036854775807]", "[3, 1, 1]", "[1, 65536, 65536]",
            "kind: cell", "kind: blocks", "kind: metaqnn", "builtin: surrogate",
        ]
        let check = RunConfigurationCheck()
        var fuzzer = InputFuzzer(seed: 0xC4EC_F022, seeds: seeds, dictionary: dictionary)
        let report = fuzzer.run(iterations: Self.iterations) { bytes in
            do {
                _ = try check.check(bytes: bytes, file: "fuzz.yaml")
                return true
            } catch let error as ConfigError {
                let lines = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
                XCTAssertTrue((1...lines).contains(error.line) && error.column >= 1, "\(error)")
                for dump in ["Swift.", "DecodingError", "NASCore.", "Optional(", "Error("] {
                    XCTAssertFalse(error.description.contains(dump), "a raw dump: \(error)")
                }
                return false
            } catch {
                XCTFail("not a ConfigError: \(error)")
                return false
            }
        }
        print("config check fuzz: \(report)")
        XCTAssertGreaterThan(report.accepted, 0)
    }
}
