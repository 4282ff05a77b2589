import Foundation
import NASConfig
import NASTestSupport
import XCTest

/// Issue 10 §6: docs/config-reference.md is generated from the configuration types and cannot
/// drift: each section documents exactly the keys the decoder accepts there (asked of the decoder
/// itself, through the "allowed keys here" hint of an unknown key), and the committed file is what
/// `nasd config reference` writes.
final class ConfigurationReferenceTests: XCTestCase {
    private let unknownKey = "zzqqxxwwvvkk"

    func testEverySection_documentsExactlyTheKeysTheDecoderAccepts() throws {
        let reference = ConfigurationReference()
        XCTAssertGreaterThanOrEqual(reference.sections.count, 17)
        for section in reference.sections {
            let documented = section.keys.map(\.name)
            XCTAssertEqual(Set(documented).count, documented.count, "\(section.title): a key documented twice")
            let probe = section.probe.replacingOccurrences(of: "SECTION_KEY", with: unknownKey)
            do {
                _ = try RunConfiguration(yaml: probe, file: "probe.yaml")
                XCTFail("\(section.title): the decoder accepted the unknown key '\(unknownKey)'")
            } catch {
                XCTAssertTrue(error.keyPath.hasSuffix(unknownKey), "\(section.title): \(error)")
                let hint = try XCTUnwrap(error.hint, "\(section.title): \(error)")
                let prefix = "allowed keys here: "
                XCTAssertTrue(hint.hasPrefix(prefix), "\(section.title): \(hint)")
                let accepted = hint.dropFirst(prefix.count).components(separatedBy: ", ")
                XCTAssertEqual(
                    Set(documented), Set(accepted),
                    "\(section.title): documented \(documented.sorted()) but the decoder accepts \(accepted.sorted()); "
                        + "update Sources/NASConfig/Reference/ConfigurationReference.swift")
            }
        }
    }

    func testEveryProbe_isAValidConfigurationWithoutTheUnknownKey() throws {
        for section in ConfigurationReference().sections {
            let valid = section.probe
                .replacingOccurrences(of: ", SECTION_KEY: 1", with: "")
                .replacingOccurrences(of: "{SECTION_KEY: 1}", with: "{}")
                .replacingOccurrences(of: "\nSECTION_KEY: 1", with: "")
            XCTAssertNoThrow(try RunConfiguration(yaml: valid, file: "probe.yaml"), section.title)
        }
    }

    func testDefaults_areTheDecodersDefaults() throws {
        let markdown = ConfigurationReference().markdown()
        let text =
            "name: d\nspace: {kind: metaqnn}\nstrategy: {kind: metaqnn}\ntraining: {epochs: 12}\n"
            + "trainer: {builtin: surrogate}\n"
        let configuration = try RunConfiguration(yaml: text, file: "d.yaml")
        guard case .metaQNN(let space) = configuration.space.kind, case .metaQNN(let strategy) = configuration.strategy
        else { return XCTFail("not a MetaQNN configuration") }
        XCTAssertTrue(markdown.contains("| `max_depth` | int ≥ 1 | `\(space.maxDepth)` |"), markdown)
        XCTAssertTrue(markdown.contains("| `replay_batch` | int ≥ 0 | `\(strategy.replayBatch)` |"), markdown)
        XCTAssertTrue(markdown.contains("(\(strategy.totalModels) models)"), markdown)
        XCTAssertTrue(markdown.contains("| `max_attempts` | int ≥ 1 | `\(configuration.trial.maxAttempts)` |"))
    }

    func testCommittedReference_isCurrent() throws {
        let file = TestEnvironment.packageRoot.appendingPathComponent("docs/config-reference.md")
        let committed = try String(contentsOf: file, encoding: .utf8)
        let generated = ConfigurationReference().markdown() + "\n"
        if committed != generated {
            let committedLines = committed.components(separatedBy: "\n")
            let generatedLines = generated.components(separatedBy: "\n")
            let first =
                zip(committedLines, generatedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(committedLines.count, generatedLines.count)
            XCTFail(
                "docs/config-reference.md is stale (first difference at line \(first + 1)); regenerate it with "
                    + "'nasd config reference --out docs/config-reference.md'")
        }
    }
}
