import NASCore
import XCTest

/// The bracket notation: parsing, printing, the canonical form and its hash.
final class NotationTests: XCTestCase {
    func testParse_everyLayerKind_printsBackIdentically() throws {
        let text = "[C(64,3,1), P(2,2), AP(3,1), FC(512), GAP, GAP(10), SM(10), BN, RELU, SIGMOID, TANH, D(1,5)]"
        let architecture = try Architecture(notation: text)
        XCTAssertEqual(
            architecture.layers,
            [
                .convolution(filters: 64, kernel: 3, stride: 1), .maxPool(kernel: 2, stride: 2),
                .avgPool(kernel: 3, stride: 1), .fullyConnected(units: 512), .globalAveragePool,
                .classifierHead(classes: 10), .softmax(classes: 10), .batchNorm, .relu, .sigmoid, .tanh,
                .dropout(index: 1, count: 5),
            ])
        XCTAssertEqual(architecture.notation, text)
        XCTAssertEqual(architecture.description, text)
    }

    func testParse_toleratesWhitespaceBetweenTokens_andPrintsCanonicalSpacing() throws {
        let architecture = try Architecture(notation: "  [ C( 64 , 3,1 ),P(2,2)\t,\nSM(10) ] ")
        XCTAssertEqual(architecture.notation, "[C(64,3,1), P(2,2), SM(10)]")
    }

    func testParse_emptyList_givesNoLayers() throws {
        XCTAssertEqual(try Architecture(notation: "[]").layers, [])
        XCTAssertEqual(Architecture(layers: []).notation, "[]")
    }

    func testParse_negativeNumbers_parseSoThatEveryLayerValueRoundTrips() throws {
        let architecture = Architecture(layers: [.convolution(filters: -1, kernel: 0, stride: 1), .softmax(classes: 2)])
        XCTAssertEqual(try Architecture(notation: architecture.notation), architecture)
    }

    func testLayerNotation_parsesSingleLayers() throws {
        XCTAssertEqual(try Layer(notation: "D(2,5)"), .dropout(index: 2, count: 5))
        XCTAssertEqual(try Layer(notation: " GAP "), .globalAveragePool)
        XCTAssertEqual(Layer.dropout(index: 2, count: 5).dropoutRate, 0.2)
        XCTAssertNil(Layer.relu.dropoutRate)
    }

    private func assertNotationError(
        _ text: String, offset: Int, mentions fragment: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let architecture = try Architecture(notation: text)
            XCTFail("parsed \(text) as \(architecture)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.offset, offset, "\(error)", file: file, line: line)
            XCTAssertTrue(error.message.contains(fragment), "\(error.message)", file: file, line: line)
        }
    }

    func testParse_errors_nameTheOffsetAndWhatWasExpected() {
        assertNotationError("C(64,3,1)]", offset: 0, mentions: "expected '['")
        assertNotationError("[C(64,3,1) P(2,2)]", offset: 11, mentions: "expected ',' or ']'")
        assertNotationError("[C(64,3,1), X(2)]", offset: 12, mentions: "expected a layer name")
        assertNotationError("[C(64,3)]", offset: 7, mentions: "expected ','")
        assertNotationError("[C(64,3)]", offset: 7, mentions: "C(filters,kernel,stride)")
        assertNotationError("[C(64,3,1,1)]", offset: 9, mentions: "expected ')' after the stride")
        assertNotationError("[C]", offset: 2, mentions: "expected '(' after C")
        assertNotationError("[BN(2)]", offset: 3, mentions: "takes no arguments")
        assertNotationError("[FC(x)]", offset: 4, mentions: "expected the units of FC")
        assertNotationError("[SM(10)", offset: 7, mentions: "found the end of the text")
        assertNotationError("[SM(10)] x", offset: 9, mentions: "expected the end of the text")
        assertNotationError("[sm(10)]", offset: 1, mentions: "C, P, AP, FC, GAP, SM, BN, RELU, SIGMOID, TANH, D")
        assertNotationError("[FC(99999999999999999999)]", offset: 4, mentions: "does not fit in a 64-bit integer")
        assertNotationError("", offset: 0, mentions: "found the end of the text")
    }

    func testCanonicalNotation_removesDropoutOnly() throws {
        let architecture = try Architecture(notation: "[C(64,3,1), D(1,2), P(2,2), FC(128), D(2,2), SM(10)]")
        XCTAssertEqual(architecture.canonicalNotation, "[C(64,3,1), P(2,2), FC(128), SM(10)]")
        XCTAssertEqual(architecture.canonical.notation, architecture.canonicalNotation)
    }

    func testCanonicalHash_isSHA256OfCanonicalNotation_andIgnoresDropout() throws {
        let withDropout = try Architecture(notation: "[C(64,3,1), D(1,1), SM(10)]")
        let without = try Architecture(notation: "[C(64,3,1), SM(10)]")
        XCTAssertEqual(withDropout.canonicalHash, without.canonicalHash)
        XCTAssertEqual(without.canonicalHash, SHA256.hexDigest(of: "[C(64,3,1), SM(10)]"))
        XCTAssertEqual(without.canonicalHash.count, 64)
        XCTAssertNotEqual(without.canonicalHash, try Architecture(notation: "[C(64,3,1), SM(9)]").canonicalHash)
    }

    func testTensorShapeNotation_parsesBracketedTriple() throws {
        XCTAssertEqual(try TensorShape(notation: "[3, 32,32]"), .cifar)
        XCTAssertEqual(TensorShape.cifar.description, "[3,32,32]")
        XCTAssertThrowsError(try TensorShape(notation: "[3,32]")) { error in
            XCTAssertEqual((error as? NotationError)?.offset, 5)
        }
    }
}
