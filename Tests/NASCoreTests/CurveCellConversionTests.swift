import NASCore
import XCTest

final class CurveCellConversionTests: XCTestCase {
    func testCell_readsNASBench101Labels_andDropsPaddingVertices() throws {
        let recorded = RecordedCell(
            operations: [.code(-1), .code(0), .code(2), .code(-2), .code(-3)],
            adjacency: [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
        let cell = try recorded.cell()
        XCTAssertEqual(cell.operations, [.input, .conv3x3, .maxPool3x3, .output])
        XCTAssertEqual(cell.matrix, [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
    }

    func testCell_readsOperationNames_likeTheirLabels() throws {
        let adjacency = [[0, 1, 0], [0, 0, 1], [0, 0, 0]]
        let byName = RecordedCell(
            operations: [.name("input"), .name("conv1x1-bn-relu"), .name("output")], adjacency: adjacency)
        let byLabel = RecordedCell(operations: [.code(-1), .code(1), .code(-2)], adjacency: adjacency)
        XCTAssertEqual(try byName.cell(), try byLabel.cell())
    }

    func testCell_unknownOperation_namesItsIndex() {
        let recorded = RecordedCell(
            operations: [.code(-1), .code(7), .code(-2)], adjacency: [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
        XCTAssertThrowsError(try recorded.cell()) { error in
            XCTAssertEqual(error as? RecordedCell.ConversionError, .unknownOperation(index: 1, .code(7)))
        }
    }

    func testCell_invalidGraph_carriesTheCellError() {
        let recorded = RecordedCell(
            operations: [.code(-1), .code(0), .code(-2)], adjacency: [[0, 0, 0], [1, 0, 0], [0, 0, 0]])
        XCTAssertThrowsError(try recorded.cell()) { error in
            guard case .invalidCell = error as? RecordedCell.ConversionError else { return XCTFail("\(error)") }
        }
    }

    func testCell_fromACurvesFileLine() throws {
        let line = #"{"cell":{"ops":[-1,0,1,-2],"adjacency":[[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]]},"curve":[0.9]}"#
        let record = try XCTUnwrap(CurvesFile.parse(line).first)
        guard case .cell(let recorded) = record.network else { return XCTFail("\(record.network)") }
        XCTAssertEqual(try recorded.cell().operations, [.input, .conv3x3, .conv1x1, .output])
    }
}
