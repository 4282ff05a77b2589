import NASProtocol
import XCTest

final class JSONValueTests: XCTestCase {
    private struct View: Codable, Equatable {
        var name: String
        var done: Int
        var best: Double?
        var tags: [String]
    }

    func testEncodingAView_andDecodingItBack_preservesIt() throws {
        let view = View(name: "demo", done: 12, best: 0.75, tags: ["a", "b"])
        let value = try JSONValue(encoding: view)
        XCTAssertEqual(value["name"]?.stringValue, "demo")
        XCTAssertEqual(value["done"]?.intValue, 12)
        XCTAssertEqual(value["tags"]?.arrayValue?.count, 2)
        XCTAssertEqual(try value.decode(as: View.self), view)
    }

    func testDecodeAsWrongShape_throwsConversionFailed() {
        XCTAssertThrowsError(try JSONValue.string("x").decode(as: View.self)) { error in
            guard case .conversionFailed(let type, _) = error as? JSONValueError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertTrue(type.contains("View"))
        }
    }

    func testIntValue_isNilForFractionsAndNonNumbers() {
        XCTAssertNil(JSONValue.number(1.5).intValue)
        XCTAssertNil(JSONValue.bool(true).intValue)
        XCTAssertEqual(JSONValue.number(-3).intValue, -3)
        XCTAssertEqual(JSONValue.bool(true).boolValue, true)
    }
}
