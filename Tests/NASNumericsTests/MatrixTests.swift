import Foundation
import XCTest

@testable import NASNumerics

final class MatrixTests: XCTestCase {
    func testRowsAndColumns_readBackWhatWasStored() throws {
        let matrix = try Matrix(rows: [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(matrix.rowCount, 2)
        XCTAssertEqual(matrix.columnCount, 3)
        XCTAssertEqual(matrix[1, 2], 6)
        XCTAssertEqual(matrix.row(1), [4, 5, 6])
        XCTAssertEqual(matrix.column(1), [2, 5])
        XCTAssertEqual(matrix.transposed().rows, [[1, 4], [2, 5], [3, 6]])
        XCTAssertEqual(matrix.selectingRows([1, 1, 0]).rows, [[4, 5, 6], [4, 5, 6], [1, 2, 3]])
    }

    func testProducts_followTheDefinition() throws {
        let a = try Matrix(rows: [[1, 2], [3, 4], [5, 6]])
        let b = try Matrix(rows: [[7, 8, 9], [10, 11, 12]])
        let product = a * b
        for r in 0..<3 {
            for c in 0..<3 {
                XCTAssertEqual(product[r, c], a[r, 0] * b[0, c] + a[r, 1] * b[1, c])
            }
        }
        XCTAssertEqual(a * [1, -1], [-1, -1, -1])
        XCTAssertEqual(Matrix.identity(3) * b.transposed(), b.transposed())
        XCTAssertEqual((a + a).values, (2 * a).values)
        XCTAssertEqual((a - a).values, Array(repeating: 0, count: 6))
    }

    func testColumnStatistics_usePopulationDeviation() throws {
        let matrix = try Matrix(rows: [[1, 5], [3, 5]])
        XCTAssertEqual(matrix.columnMeans(), [2, 5])
        XCTAssertEqual(matrix.columnStandardDeviations(), [1, 0])
    }

    func testBuildingFromBadValues_throwsLocatedErrors() {
        XCTAssertThrowsError(try Matrix(rows: [[1, 2], [3]])) { error in
            XCTAssertEqual(error as? MatrixError, .raggedRow(index: 1, expected: 2, found: 1))
        }
        XCTAssertThrowsError(try Matrix(rowCount: 2, columnCount: 2, values: [1, 2, 3])) { error in
            XCTAssertEqual(error as? MatrixError, .elementCount(expected: 4, found: 3))
        }
        let corrupt = Data(#"{"rows":2,"columns":2,"values":[1]}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Matrix.self, from: corrupt))
    }

    func testCodable_roundTrips() throws {
        let matrix = try Matrix(rows: [[1.5, -2], [0, 1e-300]])
        XCTAssertEqual(try JSONDecoder().decode(Matrix.self, from: JSONEncoder().encode(matrix)), matrix)
    }
}
