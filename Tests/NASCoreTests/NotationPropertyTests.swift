import Foundation
import NASCore
import XCTest

/// Property tests over random layer lists and random text, from a fixed seed.
final class NotationPropertyTests: XCTestCase {
    /// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator for reproducible tests.
    private struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    /// Mostly small positive numbers, sometimes zero, negative or extreme.
    private func randomNumber(_ generator: inout SplitMix64) -> Int {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0: return [0, -1, Int.max, Int.min].randomElement(using: &generator) ?? 0
        case 1: return Int.random(in: -1_000_000...1_000_000, using: &generator)
        default: return Int.random(in: 1...512, using: &generator)
        }
    }

    private func randomLayer(_ generator: inout SplitMix64) -> Layer {
        let n = { (g: inout SplitMix64) in self.randomNumber(&g) }
        switch Int.random(in: 0..<12, using: &generator) {
        case 0: return .convolution(filters: n(&generator), kernel: n(&generator), stride: n(&generator))
        case 1: return .maxPool(kernel: n(&generator), stride: n(&generator))
        case 2: return .avgPool(kernel: n(&generator), stride: n(&generator))
        case 3: return .fullyConnected(units: n(&generator))
        case 4: return .globalAveragePool
        case 5: return .classifierHead(classes: n(&generator))
        case 6: return .softmax(classes: n(&generator))
        case 7: return .batchNorm
        case 8: return .relu
        case 9: return .sigmoid
        case 10: return .tanh
        default: return .dropout(index: n(&generator), count: n(&generator))
        }
    }

    private func randomArchitecture(_ generator: inout SplitMix64) -> Architecture {
        let count = Int.random(in: 0...20, using: &generator)
        return Architecture(layers: (0..<count).map { _ in randomLayer(&generator) })
    }

    func testPrintThenParse_isIdentity_forRandomLayerLists() throws {
        var generator = SplitMix64(state: 2017)
        for _ in 0..<2000 {
            let architecture = randomArchitecture(&generator)
            let text = architecture.notation
            let parsed = try Architecture(notation: text)
            XCTAssertEqual(parsed, architecture, text)
            XCTAssertEqual(parsed.notation, text)
        }
    }

    func testJSONRoundTrip_isIdentity_forRandomLayerLists() throws {
        var generator = SplitMix64(state: 42)
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        for _ in 0..<2000 {
            let architecture = randomArchitecture(&generator)
            let decoded = try decoder.decode(Architecture.self, from: try encoder.encode(architecture))
            XCTAssertEqual(decoded, architecture, architecture.notation)
        }
    }

    func testCanonicalHash_isInvariantUnderInsertingDropout() throws {
        var generator = SplitMix64(state: 7)
        for _ in 0..<500 {
            let architecture = randomArchitecture(&generator)
            var layers = architecture.layers
            let position = Int.random(in: 0...layers.count, using: &generator)
            layers.insert(.dropout(index: 1, count: 2), at: position)
            XCTAssertEqual(Architecture(layers: layers).canonicalHash, architecture.canonical.canonicalHash)
        }
    }

    /// Random text made of notation fragments: the parser never traps, reports an offset inside
    /// the text, and whatever it accepts prints to a fixed point.
    func testParse_randomText_eitherFailsWithinTextOrReachesFixedPoint() {
        var generator = SplitMix64(state: 99)
        let fragments = [
            "[", "]", "(", ")", ",", ", ", " ", "C", "P", "AP", "FC", "GAP", "SM", "BN", "RELU", "D",
            "TANH", "SIGMOID", "1", "32", "-", "x", "é",
        ]
        var parsedCount = 0
        for _ in 0..<5000 {
            var text = Bool.random(using: &generator) ? "[" : ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                text += fragments.randomElement(using: &generator) ?? ""
            }
            text += Bool.random(using: &generator) ? "]" : ""
            do {
                let parsed = try Architecture(notation: text)
                parsedCount += 1
                XCTAssertEqual(try Architecture(notation: parsed.notation), parsed, text)
            } catch {
                XCTAssertTrue((0...text.count).contains(error.offset), "\(text): \(error)")
                XCTAssertTrue(
                    error.message.hasPrefix("expected") || error.message.contains("does not fit"), error.message)
            }
        }
        XCTAssertGreaterThan(parsedCount, 0, "some random texts should parse")
    }
}
