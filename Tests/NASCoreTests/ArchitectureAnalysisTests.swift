import NASCore
import XCTest

/// Shape inference, parameter and MAC counts: the fixtures of issue 2 §2, checked against
/// PyTorch's counts, and the rules behind them.
final class ArchitectureAnalysisTests: XCTestCase {
    private func analysis(_ notation: String, _ input: TensorShape = .cifar) throws -> ArchitectureAnalysis {
        try Architecture(notation: notation).analyze(input: input)
    }

    func testAnalyze_singleConvolutionOnMNIST_matchesPyTorchCounts() throws {
        let result = try analysis("[C(32,5,1), SM(10)]", TensorShape(channels: 1, height: 28, width: 28))
        XCTAssertEqual(result.parameters, 251_722)
        XCTAssertEqual(result.macs, 878_080)
    }

    func testAnalyze_convPoolFCNetwork_matchesPyTorchCounts() throws {
        let result = try analysis("[C(64,3,1), P(2,2), C(128,5,1), P(3,2), FC(256), SM(10)]")
        XCTAssertEqual(result.parameters, 1_815_178)
        XCTAssertEqual(result.macs, 55_806_464)
        XCTAssertEqual(
            result.layers.map(\.output),
            [
                TensorShape(channels: 64, height: 32, width: 32), TensorShape(channels: 64, height: 16, width: 16),
                TensorShape(channels: 128, height: 16, width: 16), TensorShape(channels: 128, height: 7, width: 7),
                TensorShape(channels: 256, height: 1, width: 1), TensorShape(channels: 10, height: 1, width: 1),
            ])
    }

    func testAnalyze_batchNormAndGlobalPoolNetwork_matchesPyTorchCounts() throws {
        let result = try analysis("[C(64,3,1), BN, RELU, C(128,3,1), GAP, SM(10)]")
        XCTAssertEqual(result.parameters, 77_066)
        XCTAssertEqual(result.macs, 77_268_224)
        XCTAssertEqual(result.layers[1].parameters, 128)
        XCTAssertEqual(result.layers[4].output, TensorShape(channels: 128, height: 1, width: 1))
    }

    func testAnalyze_metaQNNBestCIFAR10Model_matchesPyTorchCounts() throws {
        let result = try analysis(
            "[C(512,5,1), C(256,3,1), C(256,5,1), C(256,3,1), P(5,3), C(512,3,1), C(512,5,1), P(2,2), SM(10)]")
        XCTAssertEqual(result.parameters, 11_309_834)
        XCTAssertEqual(result.macs, 4_302_435_328)
        // 11.18M in the paper, which leaves out the classifier.
        XCTAssertEqual(result.parameters - result.layers[8].parameters, 11_181_824)
    }

    func testAnalyze_classifierHead_countsOneByOneConvolutionThenSoftmaxOverItsChannels() throws {
        let result = try analysis("[C(256,1,1), GAP(10), SM(10)]")
        let head = result.layers[1]
        XCTAssertEqual(head.parameters, 256 * 10 + 10)
        XCTAssertEqual(head.macs, 256 * 10 * 32 * 32)
        XCTAssertEqual(head.output, TensorShape(channels: 10, height: 1, width: 1))
        XCTAssertEqual(result.layers[2].parameters, 10 * 10 + 10)
        XCTAssertEqual(result.layers[2].macs, 100)
    }

    func testAnalyze_stridedConvolution_dividesSizeRoundingUp() throws {
        let result = try analysis("[C(8,3,2), C(8,3,2), SM(10)]", TensorShape(channels: 3, height: 33, width: 33))
        XCTAssertEqual(result.layers[0].output, TensorShape(channels: 8, height: 17, width: 17))
        XCTAssertEqual(result.layers[1].output, TensorShape(channels: 8, height: 9, width: 9))
        XCTAssertEqual(result.layers[1].macs, 8 * 9 * 8 * 81)
    }

    func testAnalyze_stride1Pools_keepSize_stridedPoolsFloor() throws {
        let result = try analysis("[C(8,3,1), P(3,1), AP(3,1), AP(5,3), SM(10)]")
        XCTAssertEqual(result.layers[1].output, TensorShape(channels: 8, height: 32, width: 32))
        XCTAssertEqual(result.layers[2].output, TensorShape(channels: 8, height: 32, width: 32))
        XCTAssertEqual(result.layers[3].output, TensorShape(channels: 8, height: 10, width: 10))
        XCTAssertEqual(result.layers[3].parameters + result.layers[3].macs, 0)
    }

    func testAnalyze_nonSquareInput_tracksHeightAndWidthSeparately() throws {
        let result = try analysis("[P(2,2), SM(4)]", TensorShape(channels: 2, height: 8, width: 6))
        XCTAssertEqual(result.layers[0].output, TensorShape(channels: 2, height: 4, width: 3))
        XCTAssertEqual(result.parameters, (2 * 4 * 3 + 1) * 4)
    }

    func testAnalyze_dropoutAndActivations_haveNoParametersAndKeepShape() throws {
        let result = try analysis("[C(4,1,1), D(1,2), RELU, SIGMOID, TANH, FC(7), D(2,2), BN, SM(3)]")
        for index in [1, 2, 3, 4, 6] {
            XCTAssertEqual(result.layers[index].parameters, 0)
            XCTAssertEqual(result.layers[index].input, result.layers[index].output)
        }
        XCTAssertEqual(result.layers[7].parameters, 14, "BN after FC: 2 per feature")
        XCTAssertEqual(result.output, TensorShape(channels: 3, height: 1, width: 1))
    }

    func testAnalyze_totalsAreSumsOfLayers_andDropoutDoesNotChangeThem() throws {
        let withDropout = try analysis("[C(64,3,1), D(1,3), P(2,2), D(2,3), FC(128), D(3,3), SM(10)]")
        let without = try analysis("[C(64,3,1), P(2,2), FC(128), SM(10)]")
        XCTAssertEqual(withDropout.parameters, without.parameters)
        XCTAssertEqual(withDropout.macs, without.macs)
        XCTAssertEqual(withDropout.layers.map(\.index), Array(0..<7))
    }
}
