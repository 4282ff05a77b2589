import Foundation
import NASCore
import XCTest

final class CurvesFileTests: XCTestCase {
    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> CurvesFileError? {
        do {
            _ = try CurvesFile.parse(text)
            XCTFail("expected a CurvesFileError", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testParse_readsEveryFieldOfANotationLine() throws {
        let text = """
            {"arch":"[C(64,3,1), P(2,2), SM(10)]","curve":[0.3,0.5,0.6],"epochs":[1,2,4],"budget":10,\
            "complete":false,"hyper":{"learning_rate":0.01,"batch":128},"input":[1,28,28],"params":1234,\
            "flops":5678,"id":"net-7"}
            """
        let records = try CurvesFile.parse(text)
        XCTAssertEqual(records.count, 1)
        let record = try XCTUnwrap(records.first)
        XCTAssertEqual(record.network, .notation(try Architecture(notation: "[C(64,3,1), P(2,2), SM(10)]")))
        XCTAssertEqual(record.curve, [0.3, 0.5, 0.6])
        XCTAssertEqual(record.epochs, [1, 2, 4])
        XCTAssertEqual(record.budget, 10)
        XCTAssertFalse(record.isComplete)
        XCTAssertEqual(record.hyperparameters, ["learning_rate": 0.01, "batch": 128])
        XCTAssertEqual(record.input, TensorShape(channels: 1, height: 28, width: 28))
        XCTAssertEqual(record.parameters, 1234)
        XCTAssertEqual(record.flops, 5678)
        XCTAssertEqual(record.id, "net-7")
        XCTAssertNil(record.target, "an incomplete curve has no target")
        XCTAssertEqual(record.accuracy(atEpoch: 4), 0.6)
        XCTAssertNil(record.accuracy(atEpoch: 3))
    }

    func testParse_appliesDefaults_andTargetIsLastValueOfACompleteCurve() throws {
        let record = try XCTUnwrap(CurvesFile.parse(#"{"arch":"[C(64,3,1), SM(10)]","curve":[0.2,0.4,0.45]}"#).first)
        XCTAssertEqual(record.epochs, [1, 2, 3])
        XCTAssertEqual(record.budget, 3)
        XCTAssertTrue(record.isComplete)
        XCTAssertEqual(record.hyperparameters, [:])
        XCTAssertEqual(record.input, .cifar)
        XCTAssertNil(record.parameters)
        XCTAssertNil(record.flops)
        XCTAssertNil(record.id)
        XCTAssertEqual(record.target, 0.45)
    }

    func testParse_budgetDefaultsToTheLastRecordedEpoch_whenEpochsAreSparse() throws {
        let line = #"{"arch":"[C(64,3,1), SM(10)]","curve":[0.5,0.7,0.8,0.9],"epochs":[4,12,36,108]}"#
        let record = try XCTUnwrap(CurvesFile.parse(line).first)
        XCTAssertEqual(record.budget, 108)
    }

    func testParse_ignoresUnknownFields_blankLines_andCRLF() throws {
        let text =
            "\n{\"arch\":\"[SM(10)]\",\"curve\":[0.1],\"note\":{\"x\":[1,2]},\"seed\":3}\r\n   \n"
            + "{\"arch\":\"[C(64,3,1), SM(10)]\",\"curve\":[0.2]}"
        let records = try CurvesFile.parse(text)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records.map(\.curve), [[0.1], [0.2]])
    }

    func testParse_readsACellWithNumericAndNamedOperations() throws {
        let text = """
            {"cell":{"ops":[-1,0,2,-2],"adjacency":[[0,1,1,0],[0,0,0,1],[0,0,0,1],[0,0,0,0]]},"curve":[0.9],"id":17}
            {"cell":{"ops":["input","conv3x3-bn-relu","output"],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]},"curve":[0.8]}
            """
        let records = try CurvesFile.parse(text)
        guard case .cell(let first) = records[0].network, case .cell(let second) = records[1].network else {
            return XCTFail("expected cells, got \(records.map(\.network))")
        }
        XCTAssertEqual(first.operations, [.code(-1), .code(0), .code(2), .code(-2)])
        XCTAssertEqual(first.adjacency[0], [0, 1, 1, 0])
        XCTAssertEqual(records[0].id, "17", "an integer id is kept as its decimal text")
        XCTAssertEqual(second.operations, [.name("input"), .name("conv3x3-bn-relu"), .name("output")])
        XCTAssertNil(records[0].network.architecture)
    }

    func testParse_readsALayerList() throws {
        let line =
            #"{"layers":[{"type":"conv","filters":64,"kernel":3,"stride":1},"#
            + #"{"type":"softmax","classes":10}],"curve":[0.5]}"#
        let record = try XCTUnwrap(CurvesFile.parse(line).first)
        XCTAssertEqual(record.network, .layers(try Architecture(notation: "[C(64,3,1), SM(10)]")))
        XCTAssertEqual(record.network.architecture?.notation, "[C(64,3,1), SM(10)]")
    }

    func testParse_malformedLines_nameTheLineAndTheField() {
        let good = #"{"arch":"[C(64,3,1), SM(10)]","curve":[0.5]}"#
        let cases: [(line: String, field: String?)] = [
            (#"{"arch":"[C(64,3,1), SM(10)]","curve":[0.5]"#, nil),
            (#"[1,2,3]"#, nil),
            (#"{"curve":[0.5]}"#, "arch"),
            (#"{"arch":"[SM(10)]","cell":{"ops":[-1,-2],"adjacency":[[0,1],[0,0]]},"curve":[0.5]}"#, "cell"),
            (#"{"layers":[],"cell":{"ops":[-1,-2],"adjacency":[[0,1],[0,0]]},"curve":[0.5]}"#, "layers,cell"),
            (#"{"arch":"[SM(10)]","layers":[{"type":"softmax","classes":5}],"curve":[0.5]}"#, "layers"),
            (#"{"arch":"|none~0|+|none~0|","curve":[0.5]}"#, "arch"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"test_accuracy":93.7}"#, "test_accuracy"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"test_accuracy":"high"}"#, "test_accuracy"),
            (#"{"arch":"[C(64,3,1), SM(10)"  ,"curve":[0.5]}"#, "arch"),
            (#"{"arch":42,"curve":[0.5]}"#, "arch"),
            (#"{"arch":"[SM(10)]"}"#, "curve"),
            (#"{"arch":"[SM(10)]","curve":[]}"#, "curve"),
            (#"{"arch":"[SM(10)]","curve":[0.5,1.2]}"#, "curve[1]"),
            (#"{"arch":"[SM(10)]","curve":[0.5,"x"]}"#, "curve[1]"),
            (#"{"arch":"[SM(10)]","curve":[0.5,0.6],"epochs":[1]}"#, "epochs"),
            (#"{"arch":"[SM(10)]","curve":[0.5,0.6],"epochs":[2,2]}"#, "epochs[1]"),
            (#"{"arch":"[SM(10)]","curve":[0.5,0.6],"epochs":[1,2.5]}"#, "epochs[1]"),
            (#"{"arch":"[SM(10)]","curve":[0.5,0.6],"budget":1}"#, "budget"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"complete":"yes"}"#, "complete"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"complete":1}"#, "complete"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"hyper":{"lr":"fast"}}"#, "hyper.lr"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"input":[3,32]}"#, "input"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"input":[3,0,32]}"#, "input"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"params":-4}"#, "params"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"flops":1.5}"#, "flops"),
            (#"{"arch":"[SM(10)]","curve":[0.5],"id":[1]}"#, "id"),
            (#"{"cell":{"ops":[-1,-2]},"curve":[0.5]}"#, "cell.adjacency"),
            (#"{"cell":{"ops":[-1,-2],"adjacency":[[0,1]]},"curve":[0.5]}"#, "cell.adjacency"),
            (#"{"cell":{"ops":[-1,-2],"adjacency":[[0,1],[0,2]]},"curve":[0.5]}"#, "cell.adjacency[1][1]"),
            (#"{"cell":{"ops":[-1,true],"adjacency":[[0,1],[0,0]]},"curve":[0.5]}"#, "cell.ops[1]"),
            (#"{"layers":{"type":"conv"},"curve":[0.5]}"#, "layers"),
            (#"{"layers":[{"type":"conv","filters":64,"kernel":3}],"curve":[0.5]}"#, "layers[0].stride"),
        ]
        for (index, testCase) in cases.enumerated() {
            let text = good + "\n\n" + testCase.line + "\n" + good
            guard let error = parseError(text) else { continue }
            XCTAssertEqual(error.line, 3, "case \(index): \(testCase.line)")
            XCTAssertEqual(error.field, testCase.field, "case \(index): \(error)")
            XCTAssertTrue(error.description.hasPrefix("line 3"), error.description)
        }
    }

    func testParse_archWithLayers_isOneNetwork_whenBothDescribeIt_elseALocatedError() throws {
        let layers = #"[{"type":"conv","filters":64,"kernel":3,"stride":1},{"type":"softmax","classes":10}]"#
        let same = #"{"arch":"[C(64,3,1), SM(10)]","layers":"# + layers + #","curve":[0.5]}"#
        let record = try XCTUnwrap(CurvesFile.parse(same).first)
        XCTAssertEqual(record.network, .notation(try Architecture(notation: "[C(64,3,1), SM(10)]")))
        let differ = #"{"arch":"[C(32,3,1), SM(10)]","layers":"# + layers + #","curve":[0.5]}"#
        let error = try XCTUnwrap(parseError("\n" + differ))
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.field, "layers")
        XCTAssertEqual(
            error.problem,
            .networksDiffer(arch: "[C(32,3,1), SM(10)]", field: "layers", describes: "[C(64,3,1), SM(10)]"))
        let cellWithLayers =
            #"{"arch":"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|","layers":"# + layers
            + #","curve":[0.5]}"#
        XCTAssertEqual(parseError(cellWithLayers)?.field, "layers")
    }

    func testParse_archWithCell_asTrialSpecsWriteThem_isOneCell_keptAsWritten() throws {
        let cell = #"{"ops":[-1,0,-2],"adjacency":[[0,1,0],[0,0,1],[0,0,0]]}"#
        let same = #"{"arch":"input,conv3x3-bn-relu,output;0>1,1>2","cell":"# + cell + #","curve":[0.5]}"#
        let record = try XCTUnwrap(CurvesFile.parse(same).first)
        XCTAssertEqual(
            record.network,
            .cell(
                RecordedCell(
                    operations: [.code(-1), .code(0), .code(-2)], adjacency: [[0, 1, 0], [0, 0, 1], [0, 0, 0]])))
        let differ = #"{"arch":"input,conv1x1-bn-relu,output;0>1,1>2","cell":"# + cell + #","curve":[0.5]}"#
        let error = try XCTUnwrap(parseError(differ))
        XCTAssertEqual(error.field, "cell")
        XCTAssertTrue(error.description.contains("\"cell\" describes input,conv3x3-bn-relu,output;0>1,1>2"), "\(error)")
        let alone = try XCTUnwrap(
            CurvesFile.parse(#"{"arch":"input,conv3x3-bn-relu,output;0>1,1>2","curve":[0.5]}"#).first)
        XCTAssertEqual(alone.network.network, try Network(notation: "input,conv3x3-bn-relu,output;0>1,1>2"))
    }

    func testParse_readsANASBench201Row_withItsTestAccuracyApart() throws {
        let arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
        let line = #"{"arch":""# + arch + #"","curve":[0.83],"epochs":[12],"test_accuracy":0.9376,"id":1}"#
        let record = try XCTUnwrap(CurvesFile.parse(line).first)
        XCTAssertEqual(record.network, .nb201(try NASBench201Cell(notation: arch)))
        XCTAssertEqual(record.network.network, .nb201(try NASBench201Cell(notation: arch)))
        XCTAssertEqual(record.budget, 12)
        XCTAssertEqual(record.testAccuracy, 0.9376)
        XCTAssertEqual(record.target, 0.83, "the target is the curve's, never the test accuracy")
        let written = try CurvesFile.formatLine(record)
        XCTAssertTrue(written.contains(#""test_accuracy":0.9376,"id":"1"}"#), written)
        XCTAssertEqual(try CurvesFile.parse(written), [record])
    }

    func testParse_badLayerInsideALayerList_namesTheLayerIndex() {
        let line = #"{"layers":[{"type":"conv","filters":64,"kernel":3,"stride":1},{"type":"warp"}],"curve":[0.5]}"#
        guard let error = parseError(line) else { return }
        XCTAssertEqual(error.line, 1)
        XCTAssertEqual(error.field, "layers[1].type", "\(error)")
        guard case .invalidLayer(let layerError) = error.problem else { return XCTFail("\(error.problem)") }
        XCTAssertEqual(layerError.layerIndex, 1)
    }

    func testParse_invalidNotation_carriesTheNotationError() {
        guard let error = parseError(#"{"arch":"[C(64,3)]","curve":[0.5]}"#) else { return }
        guard case .invalidNotation = error.problem else { return XCTFail("\(error.problem)") }
        XCTAssertEqual(error.field, "arch")
    }

    func testFormat_roundTripsEveryForm() throws {
        let records = [
            CurveRecord(
                network: .notation(try Architecture(notation: "[C(64,3,1), P(2,2), D(1,2), FC(512), SM(10)]")),
                curve: [0.25, 0.5, 0.625], hyperparameters: ["learning_rate": 0.001, "weight_decay": 1e-05],
                parameters: 100, flops: 2000, id: "a\"b\\c\n"),
            CurveRecord(
                network: .layers(try Architecture(notation: "[C(32,5,1), BN, RELU, GAP, SM(10)]")), curve: [0.1, 0.2],
                epochs: [3, 7], budget: 20, isComplete: false, input: TensorShape(channels: 1, height: 28, width: 28)),
            CurveRecord(
                network: .cell(
                    RecordedCell(
                        operations: [.code(-1), .name("conv1x1-bn-relu"), .code(-2)],
                        adjacency: [[0, 1, 1], [0, 0, 1], [0, 0, 0]])),
                curve: [0.9]),
        ]
        let text = try CurvesFile.format(records)
        XCTAssertEqual(text.split(separator: "\n").count, 3)
        XCTAssertTrue(text.hasSuffix("\n"))
        XCTAssertEqual(try CurvesFile.parse(text), records)
        XCTAssertEqual(try CurvesFile.format(CurvesFile.parse(text)), text, "writing is stable")
    }

    func testFormatLine_writesTheDocumentedFieldOrder_andOmitsDefaults() throws {
        let record = CurveRecord(
            network: .notation(try Architecture(notation: "[C(64,3,1), SM(10)]")), curve: [0.5, 1])
        XCTAssertEqual(
            try CurvesFile.formatLine(record),
            #"{"arch":"[C(64,3,1), SM(10)]","curve":[0.5,1.0],"budget":2,"complete":true,"input":[3,32,32]}"#)
    }

    func testParse_dataAndStringAgree_andLineByLineAgreesWithWholeFile() throws {
        let text = "{\"arch\":\"[SM(10)]\",\"curve\":[0.1]}\n{\"arch\":\"[C(64,1,1), SM(10)]\",\"curve\":[0.3]}\n"
        let fromString = try CurvesFile.parse(text)
        XCTAssertEqual(try CurvesFile.parse(Data(text.utf8)), fromString)
        let lineByLine = try text.split(separator: "\n").enumerated().compactMap {
            try CurvesFile.parseLine(String($0.element), lineNumber: $0.offset + 1)
        }
        XCTAssertEqual(lineByLine, fromString)
        XCTAssertNil(try CurvesFile.parseLine("   ", lineNumber: 9))
    }

    func testParse_invalidUTF8_isAnInvalidJSONErrorOnItsLine() {
        var data = Data("{\"arch\":\"[SM(10)]\",\"curve\":[0.1]}\n".utf8)
        data.append(contentsOf: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        XCTAssertThrowsError(try CurvesFile.parse(data)) { error in
            guard let error = error as? CurvesFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.line, 2)
            XCTAssertNil(error.field)
        }
    }
}
