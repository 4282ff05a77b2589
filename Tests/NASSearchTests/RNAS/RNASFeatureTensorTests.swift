import NASCore
import NASNumerics
import XCTest

@testable import NASSearch

final class RNASFeatureTensorTests: XCTestCase {
    /// input → conv3x3 → maxpool → output, and input → conv1x1 → output, written with the conv1x1
    /// vertex (depth 1) after the max-pool (depth 2), so depth sorting must reorder them.
    private func sampleCell() throws -> Cell {
        try Cell(
            operations: [.input, .conv3x3, .maxPool3x3, .conv1x1, .output],
            matrix: [
                [0, 1, 0, 1, 0],
                [0, 0, 1, 0, 0],
                [0, 0, 0, 0, 1],
                [0, 0, 0, 0, 1],
                [0, 0, 0, 0, 0],
            ])
    }

    private func value(_ tensor: Tensor, _ channel: Int, _ row: Int, _ column: Int) -> Float {
        tensor[channel, row, column]
    }

    func testNASBench101Tensor_is19x7x7_depthSorted_paddedBeforeTheOutput() throws {
        let tensor = try RNASFeatureTensor.nasBench101(try sampleCell())
        XCTAssertEqual(tensor.shape, [19, 7, 7])
        // Depth order: input 0, conv3x3 (depth 1) 1, conv1x1 (depth 1) 2, maxpool (depth 2) 3, output 6.
        XCTAssertEqual(value(tensor, 0, 0, 1), 3, "input → conv3x3 carries conv3x3's type")
        XCTAssertEqual(value(tensor, 0, 0, 2), 2, "input → conv1x1")
        XCTAssertEqual(value(tensor, 0, 1, 3), 4, "conv3x3 → max-pool")
        XCTAssertEqual(value(tensor, 0, 3, 6), 5, "max-pool → output, the output in the last column")
        XCTAssertEqual(value(tensor, 0, 2, 6), 5)
        for channel in 0..<19 {
            for k in 0..<7 {
                XCTAssertEqual(value(tensor, channel, 4, k), 0, "padding row 4")
                XCTAssertEqual(value(tensor, channel, k, 5), 0, "padding column 5")
                for row in k..<7 { XCTAssertEqual(value(tensor, channel, row, k), 0, "upper triangular") }
            }
        }
    }

    func testNASBench101Tensor_firstCellFLOPs_matchACountByHand() throws {
        let tensor = try RNASFeatureTensor.nasBench101(try sampleCell())
        // First cell: input 128 channels, output 128, two vertices feed the output: 64 channels each;
        // the conv3x3 vertex takes the max of its successors (the max-pool, 64).
        let area: Float = 32 * 32
        XCTAssertEqual(value(tensor, 1, 0, 1), area * 128 * 64 + area * 9 * 64 * 64, "projection + conv3x3")
        XCTAssertEqual(value(tensor, 1, 0, 2), area * 128 * 64 + area * 64 * 64, "projection + conv1x1")
        XCTAssertEqual(value(tensor, 1, 1, 3), area * 9 * 64, "max-pool: 9 comparisons per output")
        XCTAssertEqual(value(tensor, 10, 1, 3), 0, "a max-pool has no parameters")
        // Channels double as maps shrink 4×: FLOPs stay, parameters grow (last cell: 512 channels).
        XCTAssertGreaterThan(value(tensor, 18, 0, 1), 10 * value(tensor, 10, 0, 1))
    }

    func testNASBench101Tensor_parameterMatrices_addUpToTheNetworksParameterCount() throws {
        var generator = SeededGenerator(seed: 7)
        let space = try CellSpace()
        for _ in 0..<20 {
            guard let cell = try space.sampleNetwork(using: &generator).cell else { return XCTFail("not a cell") }
            let tensor = try RNASFeatureTensor.nasBench101(cell)
            var total: Double = 3 * 9 * 128 + 2 * 128 + 512 * 10 + 10  // stem and classifier
            for channel in 10..<19 {
                for column in 0..<7 {
                    total += Double((0..<7).map { value(tensor, channel, $0, column) }.max() ?? 0)
                }
            }
            XCTAssertEqual(total, Double(try NASBench101Network().parameters(of: cell)), cell.notation)
        }
    }

    func testNASBench201Tensor_putsEachEdgeOperationOnItsEdge() throws {
        let cell = try NASBench201Cell(
            notation: "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
        let tensor = RNASFeatureTensor.nasBench201(cell)
        XCTAssertEqual(tensor.shape, [31, 4, 4])
        XCTAssertEqual(value(tensor, 0, 0, 1), 3)
        XCTAssertEqual(value(tensor, 0, 0, 2), 0, "a none edge is no edge")
        XCTAssertEqual(value(tensor, 0, 1, 2), 4)
        XCTAssertEqual(value(tensor, 0, 0, 3), 1)
        XCTAssertEqual(value(tensor, 1, 0, 1), 32 * 32 * 9 * 16 * 16, "first cell: 16 channels on 32×32")
        XCTAssertEqual(value(tensor, 15, 2, 3), 8 * 8 * 9 * 64 * 64, "last cell: 64 channels on 8×8")
        XCTAssertEqual(value(tensor, 16, 1, 3), 16 * 16 + 2 * 16, "conv1x1 parameters, first cell")
        XCTAssertEqual(value(tensor, 16, 0, 3), 0, "a skip connection has no parameters")
    }

    func testSequentialTensor_chainsTheLayers_andRefusesTooLongNetworks() throws {
        let architecture = try Architecture(notation: "[C(16,3,1), P(2,2), FC(32), SM(10)]")
        let tensor = try RNASFeatureTensor.sequential(architecture, maxLayers: 6)
        XCTAssertEqual(tensor.shape, [3, 8, 8])
        XCTAssertEqual(value(tensor, 0, 0, 1), 1, "input → conv")
        XCTAssertEqual(value(tensor, 0, 1, 2), 2, "conv → max-pool")
        XCTAssertEqual(value(tensor, 2, 0, 1), 3 * 9 * 16 + 16, "the conv's parameters")
        XCTAssertEqual(value(tensor, 1, 0, 1), 32 * 32 * 3 * 9 * 16, "the conv's MACs")
        XCTAssertEqual(value(tensor, 0, 4, 7), 1, "the last layer feeds the output, after the padding")
        XCTAssertThrowsError(try RNASFeatureTensor.sequential(architecture, maxLayers: 3)) { error in
            guard case RNASError.unencodable = error else { return XCTFail("\(error)") }
        }
    }

    func testInputScaling_expandsTypesIntoPlanes_andMapsCountsLogarithmically() throws {
        let first = try Tensor(shape: [2, 1, 2], scalars: [1, 2, 10, 1000])
        let second = try Tensor(shape: [2, 1, 2], scalars: [0, 3, 0, 100])
        let scaling = RNASInputScaling(fitting: [first, second])
        XCTAssertEqual(scaling.typeCodes, 3)
        let prepared = scaling.apply(second)
        XCTAssertEqual(prepared.shape, [4, 1, 2])
        XCTAssertEqual(Array(prepared.scalars.prefix(7)), [0, 0, 0, 0, 0, 1, 0])
        XCTAssertEqual(
            prepared.scalars[7], 0.1 + 0.9 * 0.5, accuracy: 1e-5, "log 100 halfway between log 10 and log 1000")
    }
}
