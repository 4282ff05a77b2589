import NASCore
import XCTest

@testable import NASSearch

/// The Unified Layer Code of ALGORITHMS.md §3 and the encoding rules of docs/predictors.md.
final class UnifiedLayerCodeTests: XCTestCase {
    private func codes(_ notation: String, input: TensorShape = .cifar) throws -> [UnifiedLayerCode] {
        try PeepholeEncoding.codes(for: Network(notation: notation), input: input)
    }

    private func code(_ type: UnifiedLayerCode.LayerType, _ kernel: Int = 1, bin: Int = 3) -> UnifiedLayerCode {
        UnifiedLayerCode(type: type, kernelWidth: kernel, kernelHeight: kernel, channelBin: bin)
    }

    func testChannelBins_areTheNearestOfTheEightCentres_clampedToQuarterAndThree() {
        let cases: [(Double, Int)] = [
            (0.01, 0), (0.25, 0), (0.4, 1), (0.74, 2), (1.0, 3), (1.25, 3), (1.3, 4), (2.0, 5), (2.4, 6), (3.0, 7),
            (21.3, 7),
        ]
        for (ratio, bin) in cases {
            XCTAssertEqual(UnifiedLayerCode.channelBin(ofRatio: ratio), bin, "ratio \(ratio)")
        }
    }

    func testSequentialNetwork_isCodedLayerByLayer_withoutDropoutAndClassifier() throws {
        let network = "[C(6,3,1), BN, RELU, P(2,2), C(12,5,1), SIGMOID, AP(3,2), D(1,2), C(9,1,1), TANH, GAP(10), SM(10)]"
        XCTAssertEqual(
            try codes(network),
            [
                code(.convolution, 3, bin: 5), code(.batchNorm), code(.relu), code(.maxPool, 2),
                code(.convolution, 5, bin: 5), code(.sigmoid), code(.averagePool, 3), code(.convolution, 1, bin: 2),
                code(.tanh),
                // GAP(10): a 1×1 convolution 9 → 10 channels (ratio 1.11), ReLU, global average pooling.
                code(.convolution, 1, bin: 3), code(.relu), code(.globalAveragePool),
            ])
    }

    func testFullyConnectedLayers_codeUnitsOverInputChannels() throws {
        XCTAssertEqual(
            try codes("[C(64,3,1), P(2,2), FC(128), FC(64), SM(10)]"),
            [code(.convolution, 3, bin: 7), code(.maxPool, 2), code(.fullyConnected, bin: 5), code(.fullyConnected, bin: 1)])
    }

    func testDropout_doesNotChangeTheCodes() throws {
        XCTAssertEqual(
            try codes("[C(64,3,1), D(1,2), C(64,3,1), D(2,2), SM(10)]"), try codes("[C(64,3,1), C(64,3,1), SM(10)]"))
    }

    func testClassifierOnly_isOneIdentityCode() throws {
        XCTAssertEqual(try codes("[SM(10)]"), [code(.identity)])
    }

    func testKernelsAboveFive_areClampedToFive() throws {
        XCTAssertEqual(try codes("[C(3,7,1), SM(10)]"), [code(.convolution, 5, bin: 3)])
    }

    func testNASBench201Cell_isOneCodePerEdge_inTheBenchmarksOrder() throws {
        let cell = "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
        XCTAssertEqual(
            try codes(cell),
            [
                code(.convolution, 3), code(.zero), code(.averagePool, 3), code(.identity), code(.convolution, 1),
                code(.convolution, 3),
            ])
    }

    func testNASBench101Cell_codesVerticesWithMergesBeforeMultiInputVertices() throws {
        // input → conv3x3 → output and input → output: the output has two inputs.
        let codes = try codes("input,conv3x3-bn-relu,output;0>1,1>2,0>2")
        XCTAssertEqual(codes, [code(.convolution, 3), code(.merge, 2)])
    }

    func testUnanalysableNetwork_isALocatedError() {
        XCTAssertThrowsError(try codes("[C(64,3,1), P(5,3), P(5,3), P(5,3), SM(10)]", input: TensorShape(channels: 3, height: 8, width: 8))) {
            guard case .unencodable(let network, _)? = $0 as? PeepholeError else { return XCTFail("\($0)") }
            XCTAssertTrue(network.hasPrefix("[C(64,3,1)"))
        }
    }
}
