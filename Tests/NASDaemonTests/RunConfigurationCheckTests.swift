import Foundation
import NASConfig
import NASProtocol
import XCTest

@testable import NASDaemon

/// `RunConfigurationCheck`: what `nasd config check` and the daemon's `submit` both refuse, each
/// time at the line and column of the key concerned and in words (issue 11).
final class RunConfigurationCheckTests: XCTestCase {
    private static let blocks = """
        name: t
        seed: 3
        space:
          kind: blocks
          stages: 3
        strategy: {kind: random}
        training: {epochs: 4}
        trainer: {builtin: surrogate}
        end: {max_trials: 10}

        """

    private func refusal(_ text: String, check: RunConfigurationCheck = RunConfigurationCheck()) -> ConfigError? {
        do {
            _ = try check.check(text: text, file: "c.yaml")
            return nil
        } catch {
            return error
        }
    }

    func testTheValidConfiguration_passes() throws {
        let configuration = try RunConfigurationCheck().check(text: Self.blocks, file: "c.yaml")
        XCTAssertEqual(configuration.name, "t")
    }

    func testStagesThatOverflowTheChannelCount_areRefusedAtTheStagesKey() throws {
        let error = try XCTUnwrap(refusal(Self.blocks.replacingOccurrences(of: "stages: 3", with: "stages: 64")))
        XCTAssertEqual(error.headline, "c.yaml:5:11: error: space.stages: expected an integer in [1, 32], found '64'")
    }

    func testStagesThatShrinkTheInputBelowOnePixel_areRefusedAtTheStagesKey() throws {
        let error = try XCTUnwrap(refusal(Self.blocks.replacingOccurrences(of: "stages: 3", with: "stages: 10")))
        XCTAssertEqual(error.position, SourcePosition(line: 5, column: 11))
        XCTAssertEqual(error.keyPath, "space.stages")
        XCTAssertTrue(error.message.hasPrefix("the space cannot be built: block space: input"), error.message)
        XCTAssertFalse(error.description.contains("SpaceConfigurationError"), "no Swift dump: \(error)")
    }

    func testFiltersNearIntMax_areRefusedBeforeAnyTrialRuns() throws {
        let text = Self.blocks.replacingOccurrences(
            of: "  kind: blocks\n  stages: 3", with: "  kind: metaqnn\n  filters: [9223372036854775000]")
        let error = try XCTUnwrap(refusal(text))
        XCTAssertEqual(error.position, SourcePosition(line: 4, column: 3))
        XCTAssertTrue(error.message.contains("overflows"), error.message)
        XCTAssertEqual(error.keyPath, "space")
    }

    func testAHugeInput_isRefused() throws {
        let text = Self.blocks.replacingOccurrences(
            of: "stages: 3", with: "stages: 3\n  input: [3, 100000000, 100000000]")
        let error = try XCTUnwrap(refusal(text))
        XCTAssertEqual(error.keyPath, "space")
        XCTAssertTrue(error.message.contains("overflows"), error.message)
    }

    func testACellSpaceWithTheSurrogateTrainer_isRefusedAtTheTrainer() throws {
        let text = Self.blocks.replacingOccurrences(of: "  kind: blocks\n  stages: 3", with: "  kind: cell")
        let error = try XCTUnwrap(refusal(text))
        XCTAssertEqual(error.position, SourcePosition(line: 7, column: 20))
        XCTAssertEqual(error.keyPath, "trainer.builtin")
    }

    func testAStrategyThisBuildLacks_isRefusedAtItsKind() throws {
        let check = RunConfigurationCheck(makePredictors: { _ in
            throw SearchSetup.Unsupported(keyPath: "strategy.kind", message: "not in this build")
        })
        let error = try XCTUnwrap(refusal(Self.blocks, check: check))
        XCTAssertEqual(error.headline, "c.yaml:6:18: error: strategy.kind: not in this build")
    }

    func testAConfigurationLargerThanAControlFrame_isRefusedWithItsSize() throws {
        let padding = String(repeating: "# " + String(repeating: "x", count: 98) + "\n", count: 12_000)
        let error = try XCTUnwrap(refusal(Self.blocks + padding))
        XCTAssertEqual(error.position, .start)
        XCTAssertTrue(error.message.contains("\((Self.blocks + padding).utf8.count) bytes"), error.message)
        XCTAssertTrue(error.message.contains("\(Framing.defaultMaximumFrameSize) bytes"), error.message)
    }

    func testBinaryBytes_areRefusedBeforeParsing() throws {
        XCTAssertThrowsError(try RunConfigurationCheck().check(bytes: [0x6E, 0xFF], file: "b.yaml")) { error in
            XCTAssertEqual((error as? ConfigError)?.position, SourcePosition(line: 1, column: 2))
        }
    }
}
