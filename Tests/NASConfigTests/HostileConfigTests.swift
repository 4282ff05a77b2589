import Foundation
import NASConfig
import XCTest

/// Configurations written to break the parser (issue 11): nesting deep enough to exhaust the stack
/// of a recursive parser, bytes that are not text, and YAML features outside the subset. Each must
/// end in a located `ConfigError`, never a crash.
final class HostileConfigTests: XCTestCase {
    private static let depth = 7_000

    private func parseError(_ text: String, file: String = "deep.yaml") -> ConfigError? {
        do {
            _ = try YAMLParser.parse(text, file: file)
            return nil
        } catch {
            return error
        }
    }

    func testFlowListsNestedSevenThousandDeep_areRefusedAtTheLevelThatIsTooDeep() throws {
        let text = String(repeating: "[", count: Self.depth) + String(repeating: "]", count: Self.depth)
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.position, SourcePosition(line: 1, column: YAMLParser.maximumDepth + 1))
        XCTAssertTrue(error.message.contains("nested more than \(YAMLParser.maximumDepth) levels"), error.message)
    }

    func testFlowMapsNestedSevenThousandDeep_areRefused() throws {
        let text = String(repeating: "{a: ", count: Self.depth) + "1" + String(repeating: "}", count: Self.depth)
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.position, SourcePosition(line: 1, column: 4 * YAMLParser.maximumDepth + 1))
    }

    func testBlockListsOnOneLineNestedSevenThousandDeep_areRefused() throws {
        let text = String(repeating: "- ", count: Self.depth) + "1\n"
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.position, SourcePosition(line: 1, column: 2 * YAMLParser.maximumDepth + 1))
    }

    func testBlockMapsAndIndentedListsNestedDeep_areRefusedOnTheLineThatIsTooDeep() throws {
        // Indentation grows with depth, so 7,000 levels would be a 24 MB file: 2,000 show the same.
        let maps = (0..<2_000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n") + " 1\n"
        XCTAssertEqual(parseError(maps)?.position, SourcePosition(line: YAMLParser.maximumDepth + 1, column: 65))
        let lists = (0..<2_000).map { String(repeating: " ", count: $0) + "-" }.joined(separator: "\n") + " 1\n"
        XCTAssertEqual(parseError(lists)?.position, SourcePosition(line: YAMLParser.maximumDepth + 1, column: 65))
    }

    func testNestingUpToTheLimit_parses() throws {
        let depth = YAMLParser.maximumDepth
        let text = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        var node = try YAMLParser.parse(text, file: "ok.yaml")
        for _ in 0..<depth {
            guard case .list(let items) = node.value, let first = items.first else { return XCTFail("not a list") }
            node = first
        }
        XCTAssertEqual(node.value, .integer(1))
    }

    func testABinaryFile_isRefusedAtItsFirstInvalidByteWithLineAndOffset() throws {
        let bytes: [UInt8] = Array("name: x\nseed: 1\n".utf8) + [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]
        XCTAssertThrowsError(try ConfigurationText.decode(bytes, file: "b.yaml")) { error in
            guard let error = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(
                error.headline,
                "b.yaml:3:1: error: byte 16 (0x89) is not valid UTF-8; a configuration "
                    + "must be UTF-8 text (is this a binary file, or one saved in another encoding?)")
        }
    }

    func testLatin1Text_isRefusedAtTheAccentedCharacter() throws {
        // "café" in Latin-1: é is the single byte 0xE9, which starts a three-byte UTF-8 sequence.
        let bytes: [UInt8] = Array("name: caf".utf8) + [0xE9] + Array("\n".utf8)
        XCTAssertThrowsError(try ConfigurationText.decode(bytes, file: "l.yaml")) { error in
            XCTAssertEqual((error as? ConfigError)?.position, SourcePosition(line: 1, column: 10))
        }
    }

    func testOverlongAndSurrogateEncodings_areRefused() {
        for bytes: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            XCTAssertThrowsError(try ConfigurationText.decode(bytes, file: "x.yaml"), "\(bytes)")
        }
    }

    func testAControlCharacter_isRefusedWithItsPosition() throws {
        let bytes: [UInt8] = Array("a: 1\r\nb: x".utf8) + [0x00] + Array("y\n".utf8)
        XCTAssertThrowsError(try ConfigurationText.decode(bytes, file: "c.yaml")) { error in
            guard let error = error as? ConfigError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.position, SourcePosition(line: 2, column: 5))
            XCTAssertTrue(error.message.contains("control character 0x00"), error.message)
        }
    }

    func testUTF8TextWithTabsAndCarriageReturns_decodesUnchanged() throws {
        let text = "name: \"é ✓ 𝄞\"\r\nseed:\t1\n"
        XCTAssertEqual(try ConfigurationText.decode(Array(text.utf8), file: "u.yaml"), text)
    }

    func testAnchorsAliasesAndTags_sayTheyAreUnsupportedWhereTheyAppear() throws {
        let cases: [(String, SourcePosition, String)] = [
            ("base: &b\n  a: 1\n", SourcePosition(line: 1, column: 7), "anchors ('&') are not supported"),
            ("a:\n  <<: *b\n", SourcePosition(line: 2, column: 7), "aliases ('*') are not supported"),
            ("a: [1, *b]\n", SourcePosition(line: 1, column: 8), "aliases ('*') are not supported"),
            ("a: !!str 1\n", SourcePosition(line: 1, column: 4), "tags ('!') are not supported"),
        ]
        for (text, position, message) in cases {
            let error = try XCTUnwrap(parseError(text, file: "a.yaml"), text)
            XCTAssertEqual(error.position, position, text)
            XCTAssertTrue(error.message.hasPrefix(message), "\(text): \(error.message)")
        }
    }

    func testAnUnknownKeyOfThreeHundredThousandCharacters_isRefusedInLinearTime() throws {
        // "Did you mean …?" used to fill an edit-distance table per candidate key: quadratic in the
        // key's length (1.5 s for 30,000 characters in a debug build; found by ConfigFuzzTests).
        let text = "name: t\n" + String(repeating: "k", count: 300_000) + ": 1\n"
        let start = Date()
        XCTAssertThrowsError(try RunConfiguration(yaml: text, file: "k.yaml")) { error in
            XCTAssertEqual((error as? ConfigError)?.position, SourcePosition(line: 2, column: 1))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2, "parsing a 300 KB key took too long")
    }
}
