import Foundation
import NASStore
import NASTestSupport
import XCTest

@testable import NASDaemon

final class TrialTableExportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory(prefix: "csv")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testCSV_hasEveryTrial_withPredictionsInTheColumnOfWhatMadeThem() throws {
        let store = try ReportFixtures.populate(in: directory.appendingPathComponent("r"))
        let text = try TrialTableExport.csv(of: store)
        XCTAssertTrue(text.hasSuffix("\r\n"))
        let rows = try Self.parse(text)
        XCTAssertEqual(rows.first, TrialTableExport.columns)
        XCTAssertEqual(rows.count, 1 + 8, "a header and every trial")
        XCTAssertTrue(rows.allSatisfy { $0.count == TrialTableExport.columns.count }, "every row has every column")
        let table = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(TrialTableExport.columns, $0)) }
        XCTAssertEqual(
            table.map { $0["state"] ?? "" },
            [
                "completed", "completed", "stopped_early", "vetoed", "completed", "completed", "stopped_early",
                "failed",
            ])
        XCTAssertEqual(table[0]["prior_predicted_accuracy"], "0.55")
        XCTAssertEqual(table[0]["prior_model_version"], "1")
        XCTAssertEqual(table[0]["prior_predictor"], "peephole", "the demo configuration's prior")
        XCTAssertEqual(table[0]["early_stopping_predicted_accuracy"], "")
        XCTAssertEqual(table[2]["early_stopping_predicted_accuracy"], "0.5")
        XCTAssertEqual(table[2]["early_stopping_predicted_sigma"], "0.05")
        XCTAssertEqual(table[2]["early_stopping_model_version"], "2")
        XCTAssertEqual(table[2]["stopped_at_epoch"], "2")
        XCTAssertEqual(table[2]["prior_predicted_accuracy"], "")
        XCTAssertEqual(table[3]["prior_predicted_accuracy"], "0.3", "a veto is the prior's prediction")
        XCTAssertEqual(table[3]["prior_model_version"], "3")
        XCTAssertEqual(table[1]["final_accuracy"], "0.8")
        XCTAssertEqual(table[5]["reused_from"], "2")
        XCTAssertEqual(table[7]["failure_reason"], "trainer exited 1")
        XCTAssertEqual(table[0]["phase"], "epsilon=1.0")
        XCTAssertEqual(table[0]["notation"], "[C(32,3,1), P(2,2), SM(10)]", "quoted fields come back whole")
        XCTAssertFalse(table[0]["parameters"]?.isEmpty ?? true)
        XCTAssertTrue(table[0]["created_at"]?.hasPrefix("2023-11-14T") ?? false, table[0]["created_at"] ?? "")
    }

    func testQuoting_followsRFC4180() {
        XCTAssertEqual(TrialTableExport.quoted("plain"), "plain")
        XCTAssertEqual(TrialTableExport.quoted("a,b"), "\"a,b\"")
        XCTAssertEqual(TrialTableExport.quoted("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(TrialTableExport.quoted("two\nlines"), "\"two\nlines\"")
    }

    /// A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes.
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                XCTAssertNotEqual(character, "\n", "a bare line feed outside quotes")
                field.append(character)
            }
        }
        XCTAssertTrue(row.isEmpty && field.isEmpty && !quoted, "the text ends with a complete record")
        return rows
    }
}
