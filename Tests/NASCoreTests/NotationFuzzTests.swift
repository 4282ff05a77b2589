import Foundation
import NASCore
import NASTestSupport
import XCTest

/// Seeded fuzzing of the notation parsers, the JSON architecture form and the curves-file reader
/// (issue 11, §2): every input parses or is refused with a worded error; none crashes or hangs.
final class NotationFuzzTests: XCTestCase {
    /// The budgets recorded in docs/RELIABILITY.md.
    static let notationIterations = 3_000
    static let curvesIterations = 1_500

    /// One notation form: valid examples, its tokens, and its parser (returning an error's text).
    struct NotationForm: Sendable {
        var name: String
        var seeds: [String]
        var dictionary: [String]
        var parse: @Sendable (String) -> String?
    }

    /// Cells sampled from the default NAS-Bench-101 space, in the notation they write.
    static let cellSeeds: [String] = {
        var generator = SeededGenerator(seed: 11)
        return (0..<4).compactMap { _ in try? CellSpace().sample(using: &generator).notation }
    }()

    /// Every form `Network(notation:)` reads. Hook: a new form (NAS-Bench-201's) adds its entry
    /// here with a few valid strings, and is fuzzed with the same budget and checks.
    static let forms: [NotationForm] = [
        NotationForm(
            name: "bracket",
            seeds: [
                "[C(64,3,1), P(2,2), SM(10)]", "[C(32,5,1), BN, RELU, C(64,3,2), GAP, SM(10)]",
                "[C(16,1,1), P(3,2), FC(512), D(1,4), SM(100)]", "[C(8,3,1), TANH, SIGMOID, AP(2,2), SM(10)]",
            ],
            dictionary: [
                "[", "]", "(", ")", ",", " ", "C(", "P(", "FC(", "SM(", "GAP", "BN", "RELU", "D(",
                "9223372036854775807",
                "-1", "0", "99999999999999999999999", "C(64,3,1), ",
            ],
            parse: { text in
                do {
                    _ = try Architecture(notation: text)
                    return nil
                } catch { return "\(error)" }
            }),
        NotationForm(
            name: "cell",
            seeds: cellSeeds,
            dictionary: [
                "input", "output", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3", ";", "-", ",", " ", "0", "1",
                "99", "|",
            ],
            parse: { text in
                do {
                    _ = try Cell(notation: text)
                    return nil
                } catch { return "\(error)" }
            }),
    ]

    func testEveryNotationForm_parsesOrRefusesEachMutatedInputInWords() throws {
        for (index, form) in Self.forms.enumerated() {
            var seeds = form.seeds
            // Each seed must parse, or the fuzzer only ever mutates garbage.
            for seed in seeds {
                XCTAssertNil(form.parse(seed), "\(form.name) seed '\(seed)' does not parse")
            }
            seeds += Self.forms.flatMap(\.seeds)  // every parser also sees the other forms
            var fuzzer = InputFuzzer(
                seed: 0xA7C4 + UInt64(index), seeds: seeds.map { Array($0.utf8) }, dictionary: form.dictionary)
            let report = fuzzer.run(iterations: Self.notationIterations) { bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                guard let error = form.parse(text) else { return true }
                XCTAssertFalse(error.isEmpty, "\(form.name): an empty error for '\(text)'")
                XCTAssertFalse(error.contains("Swift.") || error.contains("Optional("), "\(form.name): \(error)")
                // The network form dispatches to the same parsers: it must not crash on the input either.
                _ = try? Network(notation: text)
                return false
            }
            print("notation fuzz (\(form.name)): \(report)")
        }
    }

    func testMutatedCurvesFilesAndJSONArchitectures_parseOrNameTheLineAndField() throws {
        let seeds = [
            #"{"arch":"[C(64,3,1), P(2,2), SM(10)]","curve":[0.3,0.5,0.6],"epochs":[1,2,4],"budget":10,"complete":false,"hyper":{"learning_rate":0.01},"input":[1,28,28],"params":1234,"flops":5678,"id":"net-7"}"#
                + "\n" + #"{"arch":"[C(32,3,1), SM(10)]","curve":[0.1,0.2]}"#,
            #"{"cell":"input conv3x3 output;0-1 1-2","curve":[0.5,0.7,0.8],"complete":true}"#,
            #"{"layers":[{"type":"conv","filters":64,"kernel":3,"stride":1},{"type":"softmax","classes":10}],"curve":[0.4]}"#,
        ]
        let dictionary = [
            "{", "}", "[", "]", ",", ":", "\"", "\n", "null", "true", "1e400", "-0", "NaN", "\"curve\":", "[[[[[[",
            "\\u0000", "\\ud800", "9223372036854775808",
        ]
        var fuzzer = InputFuzzer(seed: 0xC0_2F35, seeds: seeds.map { Array($0.utf8) }, dictionary: dictionary)
        let report = fuzzer.run(iterations: Self.curvesIterations) { bytes in
            let data = Data(bytes)
            do {
                _ = try CurvesFile.parse(data)
                return true
            } catch {
                let text = "\(error)"
                XCTAssertTrue(text.contains("line "), "the curves error names no line: \(text)")
                XCTAssertFalse(text.contains("DecodingError") || text.contains("Swift."), text)
            }
            do {
                _ = try JSONDecoder().decode(Architecture.self, from: data)
            } catch {
                let text = JSONInputError(decoding: error, data: data).description
                XCTAssertFalse(text.isEmpty || text.contains("DecodingError") || text.contains("Context("), text)
            }
            return false
        }
        print("curves fuzz: \(report)")
    }
}
