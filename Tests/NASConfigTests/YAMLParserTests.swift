import Foundation
import NASConfig
import NASTestSupport
import XCTest

final class YAMLParserTests: XCTestCase {
    private func parse(_ text: String) throws -> YAMLNode {
        try YAMLParser.parse(text, file: "test.yaml")
    }

    private func value(_ text: String) throws -> YAMLNode.Value {
        guard let node = try parse("key: \(text)\n")["key"] else {
            XCTFail("no value for key")
            return .null
        }
        return node.value
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let node = try parse(text)
            XCTFail("expected an error, parsed \(node)", file: file, line: line)
            return ""
        } catch let error as ConfigError {
            return error.description
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return ""
        }
    }

    // MARK: - Scalars

    func testPlainScalars_resolveToIntegersFloatsBooleansNullAndStrings() throws {
        XCTAssertEqual(try value("12"), .integer(12))
        XCTAssertEqual(try value("-3"), .integer(-3))
        XCTAssertEqual(try value("+7"), .integer(7))
        XCTAssertEqual(try value("0"), .integer(0))
        XCTAssertEqual(try value("0.5"), .float(0.5))
        XCTAssertEqual(try value("1e-3"), .float(0.001))
        XCTAssertEqual(try value(".5"), .float(0.5))
        XCTAssertEqual(try value("-.25"), .float(-0.25))
        XCTAssertEqual(try value("2."), .float(2))
        XCTAssertEqual(try value("6.02E23"), .float(6.02e23))
        XCTAssertEqual(try value(".inf"), .float(.infinity))
        XCTAssertEqual(try value("-.inf"), .float(-.infinity))
        guard case .float(let nan) = try value(".nan") else { return XCTFail("expected a float") }
        XCTAssertTrue(nan.isNaN)
        XCTAssertEqual(try value("true"), .bool(true))
        XCTAssertEqual(try value("False"), .bool(false))
        XCTAssertEqual(try value("null"), .null)
        XCTAssertEqual(try value("~"), .null)
        XCTAssertEqual(try value(""), .null)
        XCTAssertEqual(try value("yes"), .string("yes"), "YAML 1.1 booleans stay strings (YAML 1.2 core schema)")
        XCTAssertEqual(try value("1_000"), .string("1_000"))
        XCTAssertEqual(try value("1e"), .string("1e"))
        XCTAssertEqual(try value("hello world"), .string("hello world"))
        XCTAssertEqual(try value("a#b"), .string("a#b"), "'#' without a blank before it is not a comment")
        XCTAssertEqual(try value("http://host:80/x"), .string("http://host:80/x"))
        XCTAssertEqual(try value("-x"), .string("-x"))
        XCTAssertEqual(try value("2025-06-01T18:00:00Z"), .string("2025-06-01T18:00:00Z"))
    }

    func testIntegerTooLargeForSixtyFourBits_isAFloat() throws {
        XCTAssertEqual(try value("99999999999999999999"), .float(1e20))
    }

    func testQuotedScalars_areAlwaysStrings_withEscapes() throws {
        XCTAssertEqual(try value("'12'"), .string("12"))
        XCTAssertEqual(try value("\"true\""), .string("true"))
        XCTAssertEqual(try value("'it''s'"), .string("it's"))
        XCTAssertEqual(try value("'no \\n escape'"), .string("no \\n escape"))
        XCTAssertEqual(try value(#""a\tb\nc\\d\"e\/f""#), .string("a\tb\nc\\d\"e/f"))
        XCTAssertEqual(try value(#""\x41\u00e9\U0001F600""#), .string("Aé😀"))
        XCTAssertEqual(
            try value(#""\0\a\b\v\f\r\e\ \N\_\L\P""#),
            .string("\u{0}\u{7}\u{8}\u{B}\u{C}\r\u{1B} \u{85}\u{A0}\u{2028}\u{2029}"))
        XCTAssertEqual(try value("''"), .string(""))
        XCTAssertEqual(try value("'a # not a comment'"), .string("a # not a comment"))
        XCTAssertEqual(try value("\"x\"   # a comment"), .string("x"))
    }

    func testScalarSource_keepsTheTextAsWritten() throws {
        let node = try parse("a: 'x y'   # c\nb: 1e-3\n")
        XCTAssertEqual(node["a"]?.source, "'x y'")
        XCTAssertEqual(node["a"]?.style, .singleQuoted)
        XCTAssertEqual(node["b"]?.source, "1e-3")
        XCTAssertEqual(node["b"]?.style, .plain)
    }

    // MARK: - Structure

    func testBlockMapsAndLists_nest_withPositions() throws {
        let text = """
            # leading comment
            space:
              kind: metaqnn   # trailing comment
              filters:
                - 64
                - 128

              pools:
              - [5, 3]
              - [2, 2]
            strategy:
              epsilon_schedule:
                - epsilon: 1.0
                  models: 10
                - {epsilon: 0.5, models: 5}
            """
        let root = try parse(text)
        guard case .map(let entries) = root.value else { return XCTFail("expected a map") }
        XCTAssertEqual(entries.map(\.key), ["space", "strategy"])
        XCTAssertEqual(entries[0].keyPosition, SourcePosition(line: 2, column: 1))
        XCTAssertEqual(root.position, SourcePosition(line: 2, column: 1))
        let space = try XCTUnwrap(root["space"])
        XCTAssertEqual(space.position, SourcePosition(line: 3, column: 3))
        XCTAssertEqual(space["kind"]?.value, .string("metaqnn"))
        XCTAssertEqual(space["kind"]?.position, SourcePosition(line: 3, column: 9))
        let filters = try XCTUnwrap(space["filters"])
        XCTAssertEqual(filters.style, .block)
        XCTAssertEqual(filters.position, SourcePosition(line: 5, column: 5))
        guard case .list(let filterItems) = filters.value else { return XCTFail("expected a list") }
        XCTAssertEqual(filterItems.map(\.value), [.integer(64), .integer(128)])
        XCTAssertEqual(filterItems[1].position, SourcePosition(line: 6, column: 7))
        guard case .list(let pools) = space["pools"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(pools.count, 2)
        XCTAssertEqual(pools[1].style, .flow)
        XCTAssertEqual(pools[1].position, SourcePosition(line: 10, column: 5))
        guard case .list(let steps) = root["strategy"]?["epsilon_schedule"]?.value else {
            return XCTFail("expected a list")
        }
        XCTAssertEqual(steps[0]["epsilon"]?.value, .float(1.0))
        XCTAssertEqual(steps[0]["models"]?.value, .integer(10))
        XCTAssertEqual(steps[0]["models"]?.position, SourcePosition(line: 14, column: 15))
        XCTAssertEqual(steps[1]["epsilon"]?.value, .float(0.5))
        XCTAssertEqual(steps[1]["models"]?.position, SourcePosition(line: 15, column: 30))
    }

    func testFlowCollections_nestAndSpanLines_withTrailingCommas() throws {
        let root = try parse(
            """
            a: {x: 1, y: [2, 3], z: {w: 'q'}, "k": "v", n: }
            b: [64, 128,
                256,   # a comment inside a flow list
                512,]
            c: []
            d: {}
            e: ["a, b", 'c]', {p: -1}]
            """)
        XCTAssertEqual(root["a"]?["x"]?.value, .integer(1))
        XCTAssertEqual(root["a"]?["z"]?["w"]?.value, .string("q"))
        XCTAssertEqual(root["a"]?["k"]?.value, .string("v"))
        XCTAssertEqual(root["a"]?["n"]?.value, .null)
        guard case .list(let y) = root["a"]?["y"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(y.map(\.value), [.integer(2), .integer(3)])
        guard case .list(let b) = root["b"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(b.map(\.value), [.integer(64), .integer(128), .integer(256), .integer(512)])
        XCTAssertEqual(b[3].position, SourcePosition(line: 4, column: 5))
        XCTAssertEqual(root["c"]?.value, .list([]))
        XCTAssertEqual(root["d"]?.value, .map([]))
        guard case .list(let e) = root["e"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(e[0].value, .string("a, b"))
        XCTAssertEqual(e[1].value, .string("c]"))
        XCTAssertEqual(e[2]["p"]?.value, .integer(-1))
    }

    func testJSONStyleFlowMap_withAdjacentColonAfterQuotedKey() throws {
        let root = try parse(#"{"a":1, "b": [true, null], "c": {"d": "e"}}"#)
        XCTAssertEqual(root["a"]?.value, .integer(1))
        XCTAssertEqual(root["c"]?["d"]?.value, .string("e"))
        guard case .list(let b) = root["b"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(b.map(\.value), [.bool(true), .null])
    }

    func testSequenceAtTheSameIndentationAsItsKey_isTheKeysValue() throws {
        let root = try parse("a:\n- 1\n- 2\nb: 3\n")
        guard case .list(let a) = root["a"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(a.map(\.value), [.integer(1), .integer(2)])
        XCTAssertEqual(root["b"]?.value, .integer(3))
    }

    func testCompactMapsAndNestedListsInsideListItems() throws {
        let root = try parse("- a: 1\n  b: 2\n- - x\n  - y\n-\n- \n-   z\n")
        guard case .list(let items) = root.value else { return XCTFail("expected a list") }
        XCTAssertEqual(items.count, 5)
        XCTAssertEqual(items[0]["b"]?.value, .integer(2))
        guard case .list(let inner) = items[1].value else { return XCTFail("expected a list") }
        XCTAssertEqual(inner.map(\.value), [.string("x"), .string("y")])
        XCTAssertEqual(items[2].value, .null)
        XCTAssertEqual(items[3].value, .null)
        XCTAssertEqual(items[4].value, .string("z"))
        XCTAssertEqual(items[4].position, SourcePosition(line: 7, column: 5))
    }

    func testEmptyValues_areNullAtTheEndOfTheKey() throws {
        let root = try parse("a:\nb: # nothing\nc: ~\n")
        XCTAssertEqual(root["a"]?.value, .null)
        XCTAssertEqual(root["a"]?.position, SourcePosition(line: 1, column: 3))
        XCTAssertEqual(root["b"]?.value, .null)
        XCTAssertEqual(root["c"]?.value, .null)
        XCTAssertEqual(root["c"]?.source, "~")
    }

    func testScalarValueOnTheNextLine_isAllowed() throws {
        let root = try parse("a:\n  hello\nb: 1\n")
        XCTAssertEqual(root["a"]?.value, .string("hello"))
        XCTAssertEqual(root["a"]?.position, SourcePosition(line: 2, column: 3))
    }

    func testDocumentStartMarker_commentsAndBlankLinesOnly_andCRLF() throws {
        XCTAssertEqual(try parse("# only a comment\n\n   \n").value, .null)
        XCTAssertEqual(try parse("").value, .null)
        let root = try parse("# header\n---   # start\r\na: 1\r\nb: 'x'\r\n")
        XCTAssertEqual(root["a"]?.value, .integer(1))
        XCTAssertEqual(root["b"]?.value, .string("x"))
        XCTAssertEqual(root["b"]?.position, SourcePosition(line: 4, column: 4))
        XCTAssertEqual(
            try parse("\u{FEFF}a: 1").value,
            .map([
                YAMLMapEntry(
                    key: "a", keyPosition: .start,
                    value: YAMLNode(
                        value: .integer(1), position: SourcePosition(line: 1, column: 4), source: "1"))
            ]))
    }

    func testQuotedKeys_andKeysWithSpaces() throws {
        let root = try parse("'a b': 1\n\"c:d\": 2\ne f: 3\n")
        XCTAssertEqual(root["a b"]?.value, .integer(1))
        XCTAssertEqual(root["c:d"]?.value, .integer(2))
        XCTAssertEqual(root["e f"]?.value, .integer(3))
    }

    func testTabsAfterIndentation_areSeparators() throws {
        let root = try parse("a:\t1\t# comment\nb: [1,\t2]\n")
        XCTAssertEqual(root["a"]?.value, .integer(1))
        guard case .list(let b) = root["b"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(b.count, 2)
    }

    func testColumnsCountUnicodeScalars() throws {
        let root = try parse("é: [ü, 1]\n")
        guard case .list(let items) = root["é"]?.value else { return XCTFail("expected a list") }
        XCTAssertEqual(items[1].position, SourcePosition(line: 1, column: 8))
    }

    // MARK: - Outside the subset

    func testUnsupportedFeatures_areErrorsWithPositions() {
        let cases: [(String, String)] = [
            ("a: &anchor 1\n", "test.yaml:1:4: error: anchors ('&') are not supported"),
            ("a: 1\nb: *anchor\n", "test.yaml:2:4: error: aliases ('*') are not supported"),
            ("a: !!int 1\n", "test.yaml:1:4: error: tags ('!') are not supported"),
            (
                "a: |\n  text\n",
                "test.yaml:1:4: error: block scalars ('|' and '>') are not supported; write the value on one line"
            ),
            (
                "a: >-\n  text\n",
                "test.yaml:1:4: error: block scalars ('|' and '>') are not supported; write the value on one line"
            ),
            ("a: 1\n---\nb: 2\n", "test.yaml:2:1: error: multiple documents are not supported"),
            ("a: 1\n...\n", "test.yaml:2:1: error: the document end marker '...' is not supported"),
            ("a:\n\tb: 1\n", "test.yaml:2:1: error: tabs are not allowed in indentation; indent with spaces"),
            ("a:\n  \tb: 1\n", "test.yaml:2:3: error: tabs are not allowed in indentation; indent with spaces"),
            ("a: 1\nb: 2\na: 3\n", "test.yaml:3:1: error: duplicate key 'a' (first defined at line 1)"),
            ("x: {a: 1, a: 2}\n", "test.yaml:1:11: error: duplicate key 'a' (first defined at line 1)"),
            ("? a\n: 1\n", "test.yaml:1:1: error: complex keys ('?') are not supported"),
            ("[a, b]: 1\n", "test.yaml:1:7: error: complex keys (a list or map as a key) are not supported"),
            ("x: {[a]: 1}\n", "test.yaml:1:5: error: complex keys (a list or map as a key) are not supported"),
            ("%YAML 1.2\n---\na: 1\n", "test.yaml:1:1: error: directives ('%') are not supported"),
            (
                "a: 'unterminated\n",
                "test.yaml:1:4: error: unterminated quoted string (quoted strings must end on the same line)"
            ),
            ("a: \"x\\qy\"\n", "test.yaml:1:6: error: unknown escape sequence '\\q'"),
            ("a: \"\\u12\"\n", "test.yaml:1:5: error: '\\u' must be followed by 4 hexadecimal digits"),
            ("a: [1, 2\nb: 3\n", "test.yaml:2:1: error: expected ',' or ']' in the list, found 'b'"),
            ("a: [1, 2", "test.yaml:1:4: error: unterminated list: expected ']'"),
            ("a: {x: 1", "test.yaml:1:4: error: unterminated map: expected '}'"),
            ("a: [1,, 2]\n", "test.yaml:1:7: error: unexpected ','"),
            ("a: {x 1}\n", "test.yaml:1:5: error: expected ':' after the key 'x 1'"),
            ("a: [x: 1]\n", "test.yaml:1:6: error: 'key: value' pairs inside a list must be written as maps: [{a: 1}]"),
            (
                "a: b: c\n",
                "test.yaml:1:4: error: a map cannot start on the same line as its key; put it on the next lines"
            ),
            (
                "a: - 1\n",
                "test.yaml:1:4: error: a list cannot start on the same line as its key; put '- ' items on the next lines"
            ),
            ("a: 1\n  b: 2\n", "test.yaml:2:3: error: unexpected indentation"),
            ("a:\n    b: 1\n  c: 2\n", "test.yaml:3:3: error: unexpected indentation"),
            ("a: plain\n  continued\n", "test.yaml:2:3: error: unexpected indentation"),
            ("a: 1\n- 2\n", "test.yaml:2:1: error: expected a key, found a list item ('- ')"),
            ("- 1\nb: 2\n", "test.yaml:2:1: error: expected the end of the document, found more content"),
            ("a: 'x' y\n", "test.yaml:1:8: error: unexpected 'y' after the value"),
            ("a: [1]#c\n", "test.yaml:1:7: error: unexpected '#' after the value"),
            ("a: @x\n", "test.yaml:1:4: error: '@' is reserved and cannot start a plain value; quote the value"),
            (
                "--- a: 1\n",
                "test.yaml:1:5: error: content on the '---' line is not supported; start it on the next line"
            ),
            ("a: 1\nkey without colon\n", "test.yaml:2:1: error: expected a key followed by ':'"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(parseError(text), expected, "for \(text.debugDescription)")
        }
    }
}

final class YAMLParserRobustnessTests: XCTestCase {
    /// SplitMix64, so the mutations are the same on every run.
    private struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testMutatedDocuments_parseOrFailWithAPositionInsideTheText() throws {
        let url = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml")
        let original = Array(try String(contentsOf: url, encoding: .utf8).unicodeScalars)
        let alphabet = Array(" \t\n-:#[]{},'\"&*!|>?%@`\\abc019.".unicodeScalars)
        var generator = SplitMix64(state: 7)
        var failures = 0
        for _ in 0..<3_000 {
            var text = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<text.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text.remove(at: position)
                case 1: text.insert(alphabet.randomElement(using: &generator) ?? " ", at: position)
                default: text[position] = alphabet.randomElement(using: &generator) ?? " "
                }
            }
            let source = String(String.UnicodeScalarView(text))
            let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                _ = try RunConfiguration(yaml: source, file: "fuzz.yaml")
            } catch {
                failures += 1
                XCTAssertTrue((1...lineCount).contains(error.line), error.description)
                XCTAssertGreaterThanOrEqual(error.column, 1, error.description)
                XCTAssertFalse(error.message.isEmpty)
            }
        }
        XCTAssertGreaterThan(failures, 100, "mutations should break many documents")
    }
}
