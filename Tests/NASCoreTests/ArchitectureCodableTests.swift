import Foundation
import NASCore
import XCTest

/// The JSON form `{"layers": [...]}` of an architecture and `[C,H,W]` of a shape.
final class ArchitectureCodableTests: XCTestCase {
    private func decode(_ json: String) throws -> Architecture {
        try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
    }

    private func assertDecodingError(
        _ json: String, _ expected: ArchitectureDecodingError, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try decode(json), file: file, line: line) { error in
            XCTAssertEqual(error as? ArchitectureDecodingError, expected, "\(error)", file: file, line: line)
        }
    }

    func testDecode_everyLayerType_matchesNotation() throws {
        let json = """
            {"layers": [
              {"type": "conv", "filters": 64, "kernel": 3, "stride": 1},
              {"type": "maxpool", "kernel": 2, "stride": 2},
              {"type": "avgpool", "kernel": 3, "stride": 1},
              {"type": "fc", "units": 512},
              {"type": "gap"},
              {"type": "gap", "classes": 10},
              {"type": "softmax", "classes": 10},
              {"type": "bn"}, {"type": "relu"}, {"type": "sigmoid"}, {"type": "tanh"},
              {"type": "dropout", "index": 1, "count": 5}
            ]}
            """
        XCTAssertEqual(
            try decode(json).notation,
            "[C(64,3,1), P(2,2), AP(3,1), FC(512), GAP, GAP(10), SM(10), BN, RELU, SIGMOID, TANH, D(1,5)]")
    }

    func testDecode_dropoutWithoutIndexAndCount_isD11WithRateOneHalf() throws {
        let architecture = try decode(#"{"layers": [{"type": "dropout"}, {"type": "softmax", "classes": 2}]}"#)
        XCTAssertEqual(architecture.layers.first, .dropout(index: 1, count: 1))
        XCTAssertEqual(architecture.layers.first?.dropoutRate, 0.5)
    }

    func testDecode_ignoresUnknownFields() throws {
        let architecture = try decode(#"{"id": "x", "layers": [{"type": "softmax", "classes": 2, "note": 1}]}"#)
        XCTAssertEqual(architecture.layers, [.softmax(classes: 2)])
    }

    func testEncode_writesTypeAndFieldsOfEachLayer() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let architecture = try Architecture(notation: "[C(64,3,1), GAP, GAP(10), D(2,3), SM(10)]")
        let json = String(decoding: try encoder.encode(architecture), as: UTF8.self)
        XCTAssertEqual(
            json,
            #"{"layers":[{"filters":64,"kernel":3,"stride":1,"type":"conv"},{"type":"gap"},"#
                + #"{"classes":10,"type":"gap"},{"count":3,"index":2,"type":"dropout"},"#
                + #"{"classes":10,"type":"softmax"}]}"#
        )
    }

    func testDecode_errors_nameLayerIndexAndField() {
        assertDecodingError(
            #"{"layer": []}"#, ArchitectureDecodingError(layerIndex: nil, field: "layers", problem: .missing))
        assertDecodingError(
            #"{"layers": {"type": "bn"}}"#,
            ArchitectureDecodingError(layerIndex: nil, field: "layers", problem: .notAList))
        assertDecodingError(
            #"{"layers": [{"type": "bn"}, {"type": "conv", "filters": 8, "kernel": 3}]}"#,
            ArchitectureDecodingError(layerIndex: 1, field: "stride", problem: .missing))
        assertDecodingError(
            #"{"layers": [{"type": "conv", "filters": 8, "kernel": 2.5, "stride": 1}]}"#,
            ArchitectureDecodingError(layerIndex: 0, field: "kernel", problem: .notAnInteger))
        assertDecodingError(
            #"{"layers": [{"type": "relu"}, {"type": "pool"}]}"#,
            ArchitectureDecodingError(layerIndex: 1, field: "type", problem: .unknownType("pool")))
        assertDecodingError(
            #"{"layers": [{"type": 3}]}"#, ArchitectureDecodingError(layerIndex: 0, field: "type", problem: .notAString)
        )
        assertDecodingError(
            #"{"layers": [{"filters": 3}]}"#, ArchitectureDecodingError(layerIndex: 0, field: "type", problem: .missing)
        )
        assertDecodingError(
            #"{"layers": [{"type": "bn"}, "BN"]}"#,
            ArchitectureDecodingError(layerIndex: 1, field: "", problem: .notAnObject))
        assertDecodingError(
            #"{"layers": [{"type": "dropout", "index": 1}]}"#,
            ArchitectureDecodingError(layerIndex: 0, field: "count", problem: .givenWithout("index")))
        assertDecodingError(
            #"{"layers": [{"type": "gap", "classes": "ten"}]}"#,
            ArchitectureDecodingError(layerIndex: 0, field: "classes", problem: .notAnInteger))
    }

    func testDecode_plainLayerList_namesTheLayerIndexToo() throws {
        let json = #"[{"type": "bn"}, {"type": "relu"}, {"type": "fc", "units": "many"}]"#
        XCTAssertThrowsError(try JSONDecoder().decode([Layer].self, from: Data(json.utf8))) { error in
            XCTAssertEqual(
                error as? ArchitectureDecodingError,
                ArchitectureDecodingError(layerIndex: 2, field: "units", problem: .notAnInteger))
        }
        let layers = try JSONDecoder().decode([Layer].self, from: Data(#"[{"type": "gap", "classes": 10}]"#.utf8))
        XCTAssertEqual(layers, [.classifierHead(classes: 10)])
    }

    func testDecodingError_description_readsAsLayerFieldAndProblem() {
        let error = ArchitectureDecodingError(layerIndex: 3, field: "kernel", problem: .notAnInteger)
        XCTAssertEqual(error.description, #"layer 3, field "kernel": expected an integer"#)
        let unknown = ArchitectureDecodingError(layerIndex: 0, field: "type", problem: .unknownType("pool"))
        XCTAssertTrue(unknown.description.contains("conv, maxpool, avgpool, fc, gap, softmax, bn"))
    }

    func testTensorShape_codesAsCHWList() throws {
        let data = try JSONEncoder().encode(TensorShape(channels: 1, height: 28, width: 27))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[1,28,27]")
        XCTAssertEqual(try JSONDecoder().decode(TensorShape.self, from: Data("[3, 32, 32]".utf8)), .cifar)
        XCTAssertThrowsError(try JSONDecoder().decode(TensorShape.self, from: Data("[3,32]".utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(TensorShape.self, from: Data("[3,32,32,1]".utf8)))
    }
}
