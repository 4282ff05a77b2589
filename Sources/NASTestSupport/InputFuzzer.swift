import Foundation
import XCTest

/// A small seeded fuzzer for the tests of nasd's parsers and decoders (issue 11, §2).
///
/// Each iteration feeds either random bytes or a mutation of a valid seed input (bit flips, byte
/// substitutions, insertions of tokens from a dictionary, deletions, duplications, splices of two
/// seeds) to `body`, which must return normally (accepted, or refused with a clear error it has
/// checked itself) and promptly: an iteration over `hangLimit` fails the test. A crash ends the
/// test process, which fails the test too. The same seed gives the same inputs, so a failure
/// reported with its iteration number can be replayed.
///
/// ```swift
/// let report = InputFuzzer(seed: 1, seeds: [Array(valid.utf8)], dictionary: ["[", "{", ": "])
///     .run(iterations: 2_000) { bytes in try? parse(bytes) != nil }
/// ```
public struct InputFuzzer {
    /// What a run did: how many inputs were accepted and refused, and how long it took.
    public struct Report: CustomStringConvertible, Sendable {
        public var iterations: Int
        public var accepted: Int
        public var refused: Int { iterations - accepted }
        public var seconds: Double
        public var slowestIteration: Double

        public var description: String {
            "\(iterations) iterations (\(accepted) accepted, \(refused) refused) in "
                + String(format: "%.2f s, slowest %.1f ms", seconds, slowestIteration * 1000)
        }
    }

    /// SplitMix64 (Steele, Lea, Flood 2014).
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    private var generator: Generator
    private let seeds: [[UInt8]]
    private let dictionary: [[UInt8]]
    /// The longest an iteration may take before it counts as a hang.
    public var hangLimit: Double = 2
    /// The most bytes a mutated input grows to.
    public var maximumLength = 64 * 1024

    /// Creates a fuzzer.
    ///
    /// - Parameters:
    ///   - seed: The generator's seed.
    ///   - seeds: Valid inputs to mutate (random bytes only when empty).
    ///   - dictionary: Tokens of the input language, inserted by some mutations.
    public init(seed: UInt64, seeds: [[UInt8]], dictionary: [String] = []) {
        generator = Generator(state: seed)
        self.seeds = seeds
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    /// Runs `iterations` inputs through `body`.
    ///
    /// - Parameter body: Returns whether the input was accepted; checks a refusal itself.
    /// - Returns: What the run did (the tests print it; docs/RELIABILITY.md records it).
    @discardableResult
    public mutating func run(
        iterations: Int, file: StaticString = #filePath, line: UInt = #line, _ body: ([UInt8]) throws -> Bool
    ) rethrows -> Report {
        var report = Report(iterations: iterations, accepted: 0, seconds: 0, slowestIteration: 0)
        let start = Date()
        for iteration in 0..<iterations {
            let input = nextInput()
            let began = Date()
            if try body(input) { report.accepted += 1 }
            let elapsed = Date().timeIntervalSince(began)
            report.slowestIteration = max(report.slowestIteration, elapsed)
            if elapsed > hangLimit {
                XCTFail(
                    "iteration \(iteration) took \(elapsed) s (a hang?) on \(input.count) bytes: "
                        + String(decoding: input.prefix(200), as: UTF8.self), file: file, line: line)
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// The next input: a fifth random bytes, the rest one to four mutations of a seed.
    public mutating func nextInput() -> [UInt8] {
        if seeds.isEmpty || Int.random(in: 0..<5, using: &generator) == 0 {
            let count = Int.random(in: 0...256, using: &generator)
            return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        var bytes = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            mutate(&bytes)
        }
        return bytes
    }

    private mutating func position(in bytes: [UInt8]) -> Int {
        Int.random(in: 0...bytes.count, using: &generator)
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        switch Int.random(in: 0..<7, using: &generator) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 1 where !bytes.isEmpty:  // substitute a byte, often an interesting one
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            let interesting: [UInt8] = [0, 0x0A, 0x0D, 0x09, 0x20, 0x22, 0x27, 0x5C, 0x7F, 0x80, 0xC0, 0xFF]
            bytes[index] =
                Bool.random(using: &generator)
                ? interesting[Int.random(in: 0..<interesting.count, using: &generator)]
                : UInt8.random(in: 0...255, using: &generator)
        case 2 where !dictionary.isEmpty:  // insert a token, sometimes many times over
            let token = dictionary[Int.random(in: 0..<dictionary.count, using: &generator)]
            let repeats =
                Int.random(in: 0..<8, using: &generator) == 0 ? Int.random(in: 2...2_000, using: &generator) : 1
            let insertion = Array([[UInt8]](repeating: token, count: repeats).joined())
            bytes.insert(
                contentsOf: insertion.prefix(maximumLength - min(bytes.count, maximumLength)), at: position(in: bytes))
        case 3 where !bytes.isEmpty:  // delete a range
            let start = Int.random(in: 0..<bytes.count, using: &generator)
            let end = min(bytes.count, start + Int.random(in: 1...32, using: &generator))
            bytes.removeSubrange(start..<end)
        case 4 where !bytes.isEmpty:  // duplicate a range
            let start = Int.random(in: 0..<bytes.count, using: &generator)
            let end = min(bytes.count, start + Int.random(in: 1...64, using: &generator))
            if bytes.count + (end - start) <= maximumLength {
                bytes.insert(contentsOf: bytes[start..<end], at: position(in: bytes))
            }
        case 5 where seeds.count > 1:  // splice the head of this input onto the tail of another seed
            let other = seeds[Int.random(in: 0..<seeds.count, using: &generator)]
            bytes = Array(
                bytes.prefix(position(in: bytes)) + other.suffix(Int.random(in: 0...other.count, using: &generator)))
        default:  // truncate
            bytes = Array(bytes.prefix(position(in: bytes)))
        }
    }
}
