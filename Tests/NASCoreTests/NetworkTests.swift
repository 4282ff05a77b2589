import Foundation
import NASTestSupport
import XCTest

@testable import NASCore

final class NetworkTests: XCTestCase {
    private let chain = "input,conv1x1-bn-relu,conv3x3-bn-relu,output;0>1,1>2,2>3"

    private func cell(_ notation: String) throws -> Cell {
        try Cell(notation: notation)
    }

    // MARK: - Cell notation

    func testCellNotation_parsesTheCanonicalFormat_andPrintsItBack() throws {
        let parsed = try cell(chain)
        XCTAssertEqual(parsed.operations, [.input, .conv1x1, .conv3x3, .output])
        XCTAssertEqual(parsed.edgeCount, 3)
        XCTAssertTrue(parsed.adjacency[0][1] && parsed.adjacency[1][2] && parsed.adjacency[2][3])
        XCTAssertEqual(parsed.notation, chain)
        XCTAssertEqual(try parsed.canonicalNotation(), chain)
    }

    func testCellNotation_roundTripsEveryNASBench101Cell_andItsCanonicalForm() throws {
        let url = try TestEnvironment.sharedFile("nasbench-vis/nb101_data-1k.json")
        for record in try NASBench101Record.records(from: Data(contentsOf: url)) {
            XCTAssertEqual(try Cell(notation: record.cell.notation), record.cell)
            let canonical = try record.cell.canonicalNotation()
            XCTAssertEqual(try Cell(notation: canonical).notation, canonical)
            XCTAssertEqual(try Cell(notation: canonical).canonicalNotation(), canonical)
        }
    }

    func testCellNotation_rejectsMalformedText_withTypedErrors() {
        let cases: [(String, CellNotationError)] = [
            ("input,output", .missingSeparator(notation: "input,output")),
            ("input,output;0>1;", .missingSeparator(notation: "input,output;0>1;")),
            ("input,conv5x5,output;0>1", .unknownOperation(index: 1, name: "conv5x5")),
            ("input,output;0-1", .malformedEdge("0-1")),
            ("input,output;0>", .malformedEdge("0>")),
            ("input,output;0>1,", .malformedEdge("")),
            ("input,output;0>2", .vertexOutOfRange(edge: "0>2", vertices: 2)),
            ("input,output;0>1,0>1", .duplicateEdge("0>1")),
            ("input,output;1>0", .invalidCell(.notUpperTriangular(from: 1, to: 0))),
            ("output,input;0>1", .invalidCell(.misplacedEndpoint(index: 0, operation: .output))),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try Cell(notation: text), text) { error in
                XCTAssertEqual(error as? CellNotationError, expected, text)
            }
        }
    }

    // MARK: - Network

    func testNetworkNotation_picksTheParserByTheFirstCharacter() throws {
        let sequential = try Network(notation: "[C(64,3,1), D(1,2), SM(10)]")
        XCTAssertEqual(sequential.architecture?.notation, "[C(64,3,1), D(1,2), SM(10)]")
        XCTAssertEqual(sequential.canonicalNotation, "[C(64,3,1), SM(10)]")
        XCTAssertEqual(sequential.canonicalHash, try Architecture(notation: "[C(64,3,1), SM(10)]").canonicalHash)
        XCTAssertNil(sequential.cell)

        let cellNetwork = try Network(notation: chain)
        XCTAssertEqual(cellNetwork, .cell(try cell(chain)))
        XCTAssertNil(cellNetwork.architecture)
        XCTAssertEqual(cellNetwork.notation, chain)
        XCTAssertEqual(cellNetwork.canonicalHash, try cell(chain).canonicalHash())

        XCTAssertThrowsError(try Network(notation: "[C(64")) { error in
            guard case NetworkNotationError.sequential = error else { return XCTFail("unexpected \(error)") }
        }
        XCTAssertThrowsError(try Network(notation: "C(64,3,1)")) { error in
            guard case NetworkNotationError.cell = error else { return XCTFail("unexpected \(error)") }
        }
    }

    func testIsomorphicAndUnprunedCells_shareTheCanonicalIdentity() throws {
        let a = Network.cell(try cell("input,conv3x3-bn-relu,conv1x1-bn-relu,output;0>1,0>2,1>3,2>3"))
        let b = Network.cell(try cell("input,conv1x1-bn-relu,conv3x3-bn-relu,output;0>1,0>2,1>3,2>3"))
        // A dangling max-pool (no path to the output) is pruned away.
        let c = Network.cell(
            try cell("input,conv3x3-bn-relu,conv1x1-bn-relu,maxpool3x3,output;0>1,0>2,0>3,1>4,2>4"))
        XCTAssertNotEqual(a.notation, b.notation)
        XCTAssertEqual(a.canonicalHash, b.canonicalHash)
        XCTAssertEqual(a.canonicalNotation, b.canonicalNotation)
        XCTAssertEqual(a.canonicalHash, c.canonicalHash)
        XCTAssertNotEqual(a.canonicalHash, Network.cell(try cell(chain)).canonicalHash)
    }

    func testNetworkJSON_sequentialIsTheArchitectureForm_cellIsUnderCell() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let architecture = try Architecture(notation: "[C(64,3,1), P(2,2), SM(10)]")
        XCTAssertEqual(try encoder.encode(Network.sequential(architecture)), try encoder.encode(architecture))
        XCTAssertEqual(
            try JSONDecoder().decode(Network.self, from: encoder.encode(Network.sequential(architecture))),
            .sequential(architecture))

        let network = Network.cell(try cell(chain))
        let json = String(decoding: try encoder.encode(network), as: UTF8.self)
        XCTAssertEqual(
            json,
            #"{"cell":{"adjacency":[[0,1,0,0],[0,0,1,0],[0,0,0,1],[0,0,0,0]],"#
                + #""ops":["input","conv1x1-bn-relu","conv3x3-bn-relu","output"]}}"#)
        XCTAssertEqual(try JSONDecoder().decode(Network.self, from: Data(json.utf8)), network)

        let badOperation = #"{"cell":{"ops":["input","conv7x7","output"],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(Network.self, from: Data(badOperation.utf8)))
        let lowerTriangular = #"{"cell":{"ops":["input","output"],"adjacency":[[0,0],[1,0]]}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(Network.self, from: Data(lowerTriangular.utf8)))
    }

    func testRecordedCell_ofACell_convertsBack() throws {
        let original = try cell("input,conv3x3-bn-relu,maxpool3x3,output;0>1,0>2,1>3,2>3")
        XCTAssertEqual(try RecordedCell(original).cell(), original)
    }
}
