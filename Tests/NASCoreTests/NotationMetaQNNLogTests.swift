import Foundation
import NASCore
import NASTestSupport
import XCTest

/// Every network string of the original MetaQNN log (`metaqnn-replay/replay_database.csv`, from
/// `bowenbaker/metaqnn`'s test fixtures) parses, prints back byte for byte and can be built.
final class NotationMetaQNNLogTests: XCTestCase {
    /// The `net` column of the replay database, in file order.
    private func metaQNNNetworkStrings() throws -> [String] {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = CSVRows.parse(text)
        let header = try XCTUnwrap(rows.first)
        let column = try XCTUnwrap(header.firstIndex(of: "net"))
        return rows.dropFirst().filter { $0 != [""] }.map { $0[column] }
    }

    func testParse_roundTripsEveryMetaQNNLogRow() throws {
        let networks = try metaQNNNetworkStrings()
        XCTAssertEqual(networks.count, 1983)
        var failures: [String] = []
        for network in networks {
            do {
                let printed = try Architecture(notation: network).notation
                if printed != network { failures.append("\(network) printed as \(printed)") }
            } catch {
                failures.append("\(network): \(error)")
            }
        }
        XCTAssertEqual(failures, [])
    }

    func testAnalyze_everyMetaQNNLogRow_buildsAtSVHNInputSize() throws {
        var failures: [String] = []
        var headCount = 0
        for network in try metaQNNNetworkStrings() {
            do {
                let architecture = try Architecture(notation: network)
                let analysis = try architecture.analyze(input: .cifar)
                XCTAssertGreaterThan(analysis.parameters, 0)
                XCTAssertEqual(analysis.output, TensorShape(channels: 10, height: 1, width: 1))
                if architecture.layers.contains(.classifierHead(classes: 10)) { headCount += 1 }
            } catch {
                failures.append("\(network): \(error)")
            }
        }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(headCount, 683, "GAP(10) classifier heads in the log")
    }

    func testCanonicalHash_ofMetaQNNLog_collapsesDropoutVariantsOnly() throws {
        let architectures = try metaQNNNetworkStrings().map { try Architecture(notation: $0) }
        let hashes = Set(architectures.map(\.canonicalHash))
        let canonicalNotations = Set(architectures.map(\.canonicalNotation))
        XCTAssertEqual(hashes.count, canonicalNotations.count, "no SHA-256 collisions among distinct networks")
        XCTAssertLessThanOrEqual(hashes.count, Set(architectures.map(\.notation)).count)
    }
}

/// A minimal RFC 4180 reader: comma-separated fields, double-quoted fields that may hold commas,
/// `""` for a quote inside a quoted field; CRLF or LF line ends.
enum CSVRows {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var isQuoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if isQuoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        isQuoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": isQuoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
