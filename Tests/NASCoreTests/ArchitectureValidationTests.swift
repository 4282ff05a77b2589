import NASCore
import XCTest

/// Impossible architectures are rejected with the layer index and the reason.
final class ArchitectureValidationTests: XCTestCase {
    private func assertImpossible(
        _ notation: String, input: TensorShape = .cifar, layer expectedIndex: Int, mentions fragment: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let architecture = try Architecture(notation: notation)
        XCTAssertThrowsError(try architecture.validate(input: input), file: file, line: line) { error in
            guard case .impossible(let layerIndex, let reason) = error as? ArchitectureError else {
                return XCTFail("unexpected \(error)", file: file, line: line)
            }
            XCTAssertEqual(layerIndex, expectedIndex, reason, file: file, line: line)
            XCTAssertTrue(reason.contains(fragment), reason, file: file, line: line)
        }
    }

    func testValidate_poolLargerThanItsInput_isRejectedAtThePool() throws {
        try assertImpossible(
            "[C(8,3,1), P(5,3), P(5,3), P(5,3), SM(10)]", layer: 3, mentions: "larger than its 2×2 input")
        try assertImpossible(
            "[P(3,1), SM(10)]", input: TensorShape(channels: 1, height: 2, width: 8), layer: 0,
            mentions: "larger")
    }

    func testValidate_convolutionOrPoolAfterFlatten_isRejected() throws {
        try assertImpossible("[C(8,3,1), FC(64), C(8,3,1), SM(10)]", layer: 2, mentions: "FC(64) at layer 1")
        try assertImpossible("[FC(64), RELU, P(2,2), SM(10)]", layer: 2, mentions: "needs a spatial input")
        try assertImpossible("[C(8,3,1), GAP, C(8,1,1), SM(10)]", layer: 2, mentions: "GAP at layer 1")
        try assertImpossible("[C(8,3,1), GAP(10), GAP, SM(10)]", layer: 2, mentions: "GAP(10) at layer 1")
        try assertImpossible("[FC(64), GAP(10), SM(10)]", layer: 1, mentions: "spatial")
    }

    func testValidate_layersAfterTheClassifier_areRejected() throws {
        try assertImpossible("[C(8,3,1), SM(10), D(1,1)]", layer: 2, mentions: "follows the classifier at layer 1")
        try assertImpossible("[SM(10), SM(10)]", layer: 1, mentions: "must be the last layer")
    }

    func testValidate_noClassifier_isRejected() throws {
        for notation in ["[]", "[C(8,3,1)]", "[C(8,3,1), GAP(10)]", "[FC(10)]"] {
            XCTAssertThrowsError(try Architecture(notation: notation).validate()) { error in
                XCTAssertEqual(error as? ArchitectureError, .noClassifier, notation)
            }
        }
    }

    func testValidate_nonPositiveNumbers_areRejectedNamingTheField() throws {
        try assertImpossible("[C(0,3,1), SM(10)]", layer: 0, mentions: "filters must be positive, not 0")
        try assertImpossible("[C(8,3,1), C(8,-1,1), SM(10)]", layer: 1, mentions: "kernel")
        try assertImpossible("[C(8,3,0), SM(10)]", layer: 0, mentions: "stride")
        try assertImpossible("[AP(2,0), SM(10)]", layer: 0, mentions: "stride")
        try assertImpossible("[FC(0), SM(10)]", layer: 0, mentions: "units")
        try assertImpossible("[C(8,3,1), GAP(0), SM(10)]", layer: 1, mentions: "classes")
        try assertImpossible("[SM(0)]", layer: 0, mentions: "classes")
        try assertImpossible("[D(0,2), SM(10)]", layer: 0, mentions: "1...2")
        try assertImpossible("[D(3,2), SM(10)]", layer: 0, mentions: "1...2")
        try assertImpossible("[D(1,0), SM(10)]", layer: 0, mentions: "count")
    }

    func testValidate_nonPositiveInputShape_isRejected() throws {
        try assertImpossible(
            "[SM(10)]", input: TensorShape(channels: 3, height: 0, width: 32), layer: 0,
            mentions: "input shape [3,0,32]")
    }

    func testValidate_countsThatOverflowInt_areRejectedNotTrapped() throws {
        let huge = Int.max / 2
        let architecture = Architecture(layers: [
            .fullyConnected(units: huge), .fullyConnected(units: huge), .softmax(classes: 2),
        ])
        XCTAssertThrowsError(try architecture.validate()) { error in
            guard case .impossible(let layerIndex, let reason) = error as? ArchitectureError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(layerIndex, 0)
            XCTAssertTrue(reason.contains("overflows"), reason)
        }
    }

    func testValidate_firstProblemInLayerOrderIsReported() throws {
        try assertImpossible("[C(0,3,1), FC(8), P(2,2)]", layer: 0, mentions: "filters")
    }

    func testValidate_convolutionKernelLargerThanInput_isAllowedWithSamePadding() throws {
        let analysis = try Architecture(notation: "[C(8,5,1), SM(2)]").analyze(
            input: TensorShape(channels: 1, height: 2, width: 2))
        XCTAssertEqual(analysis.layers[0].output, TensorShape(channels: 8, height: 2, width: 2))
    }

    func testArchitectureError_description_namesTheLayer() {
        XCTAssertEqual(
            ArchitectureError.impossible(layerIndex: 4, reason: "why").description, "layer 4: why")
        XCTAssertTrue(ArchitectureError.noClassifier.description.contains("SM(n)"))
    }
}
