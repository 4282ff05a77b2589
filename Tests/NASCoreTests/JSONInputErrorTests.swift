import Foundation
import NASCore
import XCTest

/// `JSONInputError`: bad architecture JSON is described with its position or field, never as a raw
/// `DecodingError` dump (issue 11).
final class JSONInputErrorTests: XCTestCase {
    private func describe(_ json: String) -> String {
        let data = Data(json.utf8)
        do {
            _ = try JSONDecoder().decode(Architecture.self, from: data)
            return "decoded"
        } catch {
            return JSONInputError(decoding: error, data: data).description
        }
    }

    func testASyntaxError_isLocatedByLineAndColumn() {
        XCTAssertEqual(
            describe("{\"layers\":\n [1, x]}"), "not valid JSON: invalid value around character 16 (line 2, column 6)")
    }

    func testNestingDeeperThanFoundationAllows_isAWordedErrorNotACrash() {
        let deep =
            "{\"layers\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let message = describe(deep)
        XCTAssertTrue(message.hasPrefix("not valid JSON: too many nested arrays or dictionaries"), message)
    }

    func testTruncatedJSON_saysSo() {
        XCTAssertEqual(describe("{\"layers\": [{"), "not valid JSON: unexpected end of file during JSON parse")
    }

    func testAWrongField_keepsTheArchitecturesOwnMessage() {
        XCTAssertEqual(describe("{\"layers\": [{\"type\": 3}]}"), "layer 0, field \"type\": expected a string")
    }

    func testNoDescriptionDumpsSwiftTypes() {
        for json in ["", "[", "{\"layers\": 5}", "{\"layers\": [null]}", "\u{FF}"] {
            let message = describe(json)
            XCTAssertFalse(message.contains("DecodingError") || message.contains("Context("), "\(json): \(message)")
        }
    }
}
