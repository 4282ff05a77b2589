import Foundation
import NASTestSupport
import XCTest

@testable import NASCore

final class CellSpaceTests: XCTestCase {
    private func loadRecords() throws -> [NASBench101Record] {
        let url = try TestEnvironment.sharedFile("nasbench-vis/nb101_data-1k.json")
        return try NASBench101Record.records(from: Data(contentsOf: url))
    }

    // MARK: - The NAS-Bench-101 export

    func testRecords_parseAllThousandCells_droppingPadding() throws {
        let records = try loadRecords()
        XCTAssertEqual(records.count, 1000)
        XCTAssertEqual(Set(records.map(\.key)).count, 1000)
        // 168 padding vertices (−3) in all: 149 cells of 6 vertices, 8 of 5, 1 of 4.
        XCTAssertEqual(7000 - records.reduce(0) { $0 + $1.cell.vertexCount }, 168)
        XCTAssertEqual(records.filter { $0.cell.vertexCount == 6 }.count, 149)
        XCTAssertTrue(records.allSatisfy { $0.cell.vertexCount <= 7 && $0.cell.edgeCount <= 9 })
        let first = try XCTUnwrap(records.first)
        XCTAssertEqual(first.key, "00005c142e6f48ac74fdcf73e3439874")
        XCTAssertEqual(first.trainableParameters, 8_555_530)
        XCTAssertEqual(first.cell.operations, [.input, .conv3x3, .maxPool3x3, .conv3x3, .conv3x3, .conv1x1, .output])
        XCTAssertEqual(first.validationAccuracy.keys.sorted(), [4, 12, 36, 108])
    }

    func testOperationMapping_labels012AreConv3x3Conv1x1MaxPool_exactParameterCountsForAllThousand() throws {
        let records = try loadRecords()
        let network = NASBench101Network()
        var exact = 0
        for record in records where try network.parameters(of: record.cell) == record.trainableParameters {
            exact += 1
        }
        XCTAssertEqual(exact, 1000)

        // Every other assignment of the three labels fails on most cells: the mapping is forced.
        let ops = CellOperation.interiorOperations
        for permutation in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            var matches = 0
            for record in records {
                let relabelled = try Cell(
                    operations: record.cell.operations.map { op in
                        guard let index = ops.firstIndex(of: op) else { return op }
                        return ops[permutation[index]]
                    },
                    adjacency: record.cell.adjacency)
                if try network.parameters(of: relabelled) == record.trainableParameters { matches += 1 }
            }
            XCTAssertLessThan(matches, 200, "mapping \(permutation)")
        }
    }

    func testNASBench101Hash_reproducesTheKeyOfAllThousandCells() throws {
        for record in try loadRecords() {
            XCTAssertEqual(try record.cell.nasBench101Hash(), record.key)
        }
    }

    func testRecords_malformedInput_namesTheProblem() {
        XCTAssertThrowsError(try NASBench101Record.records(from: Data("{\"key\": 3}".utf8))) { error in
            guard case .malformedJSON? = error as? NASBench101DataError else { return XCTFail("\(error)") }
            XCTAssertEqual("\(error)", "key: expected a list")
        }
        // nasbench-vis's data-10k / data-20k layout: keys and accuracies, no cells.
        let noCells = Data(#"{"key": ["k"], "trainable_parameters": [1], "4_final_validation_accuracy": [0.1]}"#.utf8)
        XCTAssertThrowsError(try NASBench101Record.records(from: noCells)) { error in
            XCTAssertEqual(error as? NASBench101DataError, .noGraphEncoding(missing: "operations"))
            XCTAssertTrue("\(error)".hasPrefix("operations: missing; this export has no cells"), "\(error)")
        }
        let badLabel = """
            {"key": ["k"], "operations": [[-1, 7, -2]], "adjacency": [[[0,1,0],[0,0,1],[0,0,0]]],
             "trainable_parameters": [1], "4_final_validation_accuracy": [0.1],
             "12_final_validation_accuracy": [0.1], "36_final_validation_accuracy": [0.1],
             "108_final_validation_accuracy": [0.1]}
            """
        XCTAssertThrowsError(try NASBench101Record.records(from: Data(badLabel.utf8))) { error in
            XCTAssertEqual(error as? NASBench101DataError, .unknownOperation(entry: 0, vertex: 1, label: 7))
            XCTAssertTrue("\(error)".hasPrefix("entry 0: vertex 1 has label 7, which is no NAS-Bench-101 operation"))
        }
        let backwardEdge = badLabel.replacingOccurrences(of: "-1, 7, -2", with: "-1, 0, -2")
            .replacingOccurrences(of: "[[0,1,0],[0,0,1],[0,0,0]]", with: "[[0,1,0],[0,0,1],[0,1,0]]")
        XCTAssertThrowsError(try NASBench101Record.records(from: Data(backwardEdge.utf8))) { error in
            XCTAssertEqual(
                "\(error)",
                "entry 0: an edge goes from vertex 2 to vertex 1; the matrix must be strictly upper triangular "
                    + "(vertices in topological order)")
        }
    }

    // MARK: - Canonical form and hash

    func testCanonicalHash_isTheSameForRandomTopologicalRelabellings_ofEveryRecordedCell() throws {
        var generator = SplitMix64(seed: 101)
        var hashes = Set<String>()
        for record in try loadRecords() {
            let hash = try record.cell.canonicalHash()
            hashes.insert(hash)
            for _ in 0..<3 {
                let relabelled = randomTopologicalRelabelling(of: record.cell, using: &generator)
                XCTAssertEqual(try relabelled.canonicalHash(), hash)
                XCTAssertEqual(try relabelled.canonicalForm(), try record.cell.canonicalForm())
            }
        }
        // The 1,000 NAS-Bench-101 keys are 1,000 distinct graphs: no two may share a canonical hash.
        XCTAssertEqual(hashes.count, 1000)
    }

    func testCanonicalHash_distinguishesCellsThatDifferOnlyInOneOperation_orOneEdge() throws {
        let matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]]
        let a = try Cell(operations: [.input, .conv3x3, .conv1x1, .output], matrix: matrix)
        let swapped = try Cell(operations: [.input, .conv1x1, .conv3x3, .output], matrix: matrix)
        let other = try Cell(operations: [.input, .conv3x3, .conv3x3, .output], matrix: matrix)
        let chained = try Cell(
            operations: [.input, .conv3x3, .conv1x1, .output],
            matrix: [[0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
        XCTAssertEqual(try a.canonicalHash(), try swapped.canonicalHash())
        XCTAssertNotEqual(try a.canonicalHash(), try other.canonicalHash())
        XCTAssertNotEqual(try a.canonicalHash(), try chained.canonicalHash())
        XCTAssertEqual(try a.canonicalHash().count, 64)
    }

    func testCanonicalHash_ignoresVerticesOffEveryInputOutputPath() throws {
        let plain = try Cell(operations: [.input, .conv3x3, .output], matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]])
        let dangling = try Cell(
            operations: [.input, .conv3x3, .maxPool3x3, .output],
            matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
        XCTAssertEqual(try dangling.pruned(), plain)
        XCTAssertEqual(try dangling.canonicalHash(), try plain.canonicalHash())
    }

    func testMD5_matchesRFC1321TestSuite() {
        XCTAssertEqual(MD5.hexDigest(of: ""), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(MD5.hexDigest(of: "abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(MD5.hexDigest(of: "message digest"), "f96b697d7cb7938d525a2f31aaf161d0")
        XCTAssertEqual(
            MD5.hexDigest(of: "12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a")
    }

    // MARK: - Structure and pruning

    func testInit_rejectsMalformedCells_namingTheProblem() {
        XCTAssertThrowsError(try Cell(operations: [.input, .output], matrix: [[0, 1], [1, 0]])) {
            XCTAssertEqual($0 as? CellError, .notUpperTriangular(from: 1, to: 0))
        }
        XCTAssertThrowsError(try Cell(operations: [.input, .conv3x3], matrix: [[0, 1], [0, 0]])) {
            XCTAssertEqual($0 as? CellError, .misplacedEndpoint(index: 1, operation: .conv3x3))
        }
        XCTAssertThrowsError(try Cell(operations: [.input, .output], matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]])) {
            XCTAssertEqual($0 as? CellError, .operationCountMismatch(operations: 2, vertices: 3))
        }
        XCTAssertThrowsError(
            try Cell(operations: [.input, .output, .output], matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]])
        ) {
            XCTAssertEqual($0 as? CellError, .misplacedEndpoint(index: 1, operation: .output))
        }
    }

    func testPruned_unreachableOutput_throws() throws {
        let cut = try Cell(
            operations: [.input, .conv3x3, .conv1x1, .output],
            matrix: [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
        XCTAssertThrowsError(try cut.pruned()) { XCTAssertEqual($0 as? CellError, .outputUnreachable) }
        XCTAssertThrowsError(try cut.canonicalHash()) { XCTAssertEqual($0 as? CellError, .outputUnreachable) }
    }

    func testValidated_enforcesTheEdgeLimitAfterPruning() throws {
        let space = try CellSpace()
        var matrix = Array(repeating: Array(repeating: 0, count: 7), count: 7)
        for i in 0..<7 { for j in (i + 1)..<7 { matrix[i][j] = 1 } }
        let dense = try Cell(operations: [.input] + Array(repeating: .conv3x3, count: 5) + [.output], matrix: matrix)
        XCTAssertThrowsError(try space.validated(dense)) {
            XCTAssertEqual($0 as? CellError, .tooManyEdges(count: 21, limit: 9))
        }
    }

    // MARK: - Sampling

    func testSample_cellsAreValidPrunedAndVaried() throws {
        let space = try CellSpace()
        var generator = SplitMix64(seed: 7)
        var hashes = Set<String>()
        var operations = Set<CellOperation>()
        for _ in 0..<500 {
            let cell = try space.sample(using: &generator)
            XCTAssertLessThanOrEqual(cell.vertexCount, 7)
            XCTAssertLessThanOrEqual(cell.edgeCount, 9)
            XCTAssertEqual(try cell.pruned(), cell)
            XCTAssertEqual(try space.validated(cell), cell)
            operations.formUnion(cell.operations)
            hashes.insert(try cell.canonicalHash())
        }
        XCTAssertEqual(operations, Set(CellOperation.allCases))
        // NAS-Bench-101-style draws favour small pruned cells, so repeats are expected.
        XCTAssertGreaterThan(hashes.count, 200)
    }

    func testSample_sameSeed_givesSameCells() throws {
        let space = try CellSpace()
        func draw(_ seed: UInt64) throws -> [Cell] {
            var generator = SplitMix64(seed: seed)
            return try (0..<50).map { _ in try space.sample(using: &generator) }
        }
        XCTAssertEqual(try draw(3), try draw(3))
        XCTAssertNotEqual(try draw(3), try draw(4))
    }

    func testSample_impossibleLimits_throwAfterBoundedAttempts() throws {
        var configuration = CellSpace.Configuration()
        configuration.maxEdges = 1
        configuration.maxSamplingAttempts = 20
        let space = try CellSpace(configuration: configuration)
        var generator = SplitMix64(seed: 1)
        // With one edge only input→output directly is valid; in 20 draws of a 21-edge graph that is
        // (almost) never what comes out, and the error must be typed.
        do {
            let cell = try space.sample(using: &generator)
            XCTAssertEqual(cell.edgeCount, 1)
        } catch {
            XCTAssertEqual(error, .noValidCell(attempts: 20))
        }
    }

    /// The cell with its interior vertices renumbered by a random topological order (Kahn's
    /// algorithm choosing uniformly among the ready vertices).
    private func randomTopologicalRelabelling(of cell: Cell, using generator: inout SplitMix64) -> Cell {
        let n = cell.vertexCount
        var inDegree = (0..<n).map { v in (0..<n).filter { cell.adjacency[$0][v] }.count }
        var ready = [0]
        var order: [Int] = []
        while !ready.isEmpty {
            let pick = ready.remove(at: Int.random(in: 0..<ready.count, using: &generator))
            order.append(pick)
            for w in 0..<n where cell.adjacency[pick][w] {
                inDegree[w] -= 1
                if inDegree[w] == 0 { ready.append(w) }
            }
        }
        XCTAssertEqual(order.first, 0)
        XCTAssertEqual(order.last, n - 1)
        guard
            let relabelled = try? Cell(
                operations: order.map { cell.operations[$0] },
                adjacency: order.map { row in order.map { cell.adjacency[row][$0] } })
        else {
            XCTFail("relabelling broke the cell")
            return cell
        }
        return relabelled
    }
}
