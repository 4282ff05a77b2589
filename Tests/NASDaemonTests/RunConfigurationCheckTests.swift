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

    private func refusal(
        _ text: String, file: String = "c.yaml", check: RunConfigurationCheck = RunConfigurationCheck()
    ) -> ConfigError? {
        do {
            _ = try check.check(text: text, file: file)
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

    /// A replay file that holds none of the networks sampled from the space would fail every trial:
    /// refused at `trainer.file` by the commands (the daemon's own check does not parse tables); a file
    /// that holds them, or one that cannot be read here, passes.
    func testAReplayFileThatHoldsNoneOfTheSampledNetworks_isRefusedAtTheFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replay-check-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("c.yaml").path
        // The space holds one cell: every edge a 3×3 convolution.
        let text = """
            name: t
            seed: 3
            space:
              kind: nb201
              ops: [nor_conv_3x3]
            strategy: {kind: random}
            training: {epochs: 12}
            trainer: {builtin: replay, file: table.jsonl}
            end: {max_trials: 1}

            """
        let table = directory.appendingPathComponent("table.jsonl")
        func write(_ cell: String) throws {
            try Data(#"{"arch":"\#(cell)","curve":[0.8],"epochs":[12]}"#.utf8 + [10]).write(to: table)
        }
        XCTAssertNoThrow(
            try RunConfigurationCheck().check(text: text, file: file), "an unreadable file is the workers'")
        try write("|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        let error = try XCTUnwrap(refusal(text, file: file))
        XCTAssertEqual(error.keyPath, "trainer.file")
        XCTAssertEqual(error.position, SourcePosition(line: 8, column: 34))
        XCTAssertTrue(
            error.message.hasPrefix("table.jsonl holds none of 4 networks sampled from the space"), error.message)
        XCTAssertNoThrow(try RunConfigurationCheck(readsReplayFile: false).check(text: text, file: file))
        try write("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")
        XCTAssertNoThrow(try RunConfigurationCheck().check(text: text, file: file))
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
