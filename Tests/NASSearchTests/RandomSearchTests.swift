import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// A sampler over a tiny, explicit space, so strategy tests do not depend on the real spaces.
private struct ListSampler: NetworkSampler {
    let choices: [Architecture]
    func sampleNetwork(using generator: inout SeededGenerator) throws(StrategyError) -> Network {
        .sequential(choices[Int(generator.next() % UInt64(choices.count))])
    }
}

final class RandomSearchTests: XCTestCase {
    private let sampler = ListSampler(
        choices: (1...50).map {
            Architecture(layers: [.convolution(filters: $0, kernel: 3, stride: 1), .softmax(classes: 10)])
        })

    private func proposals(_ strategy: inout RandomSearch, count: Int) throws -> [Candidate] {
        try (0..<count).map { _ in
            guard case .train(let candidate) = try strategy.propose() else {
                XCTFail("random search must always propose a new candidate")
                throw StrategyError.spaceExhausted("test")
            }
            return candidate
        }
    }

    func testSameSeed_proposesSameCandidates() throws {
        var a = RandomSearch(sampler: sampler, hyperparameters: ["lr": 0.1], budget: 10, seed: 7)
        var b = RandomSearch(sampler: sampler, hyperparameters: ["lr": 0.1], budget: 10, seed: 7)
        var c = RandomSearch(sampler: sampler, hyperparameters: ["lr": 0.1], budget: 10, seed: 8)
        let first = try proposals(&a, count: 20)
        XCTAssertEqual(first, try proposals(&b, count: 20))
        XCTAssertNotEqual(first.map(\.network), try proposals(&c, count: 20).map(\.network))
        XCTAssertEqual(first.map(\.proposalID), Array(1...20))
        XCTAssertTrue(first.allSatisfy { $0.budget == 10 && $0.hyperparameters == ["lr": 0.1] })
    }

    func testRestoredSnapshot_continuesExactlyWhereTheOriginalWas() throws {
        var original = RandomSearch(sampler: sampler, hyperparameters: [:], budget: 5, seed: 42)
        _ = try proposals(&original, count: 7)
        let snapshot = try original.snapshot()
        var restored = RandomSearch(sampler: sampler, hyperparameters: [:], budget: 5, seed: 999)
        try restored.restore(from: snapshot)
        XCTAssertEqual(try proposals(&original, count: 10), try proposals(&restored, count: 10))
    }

    func testOverTheCellSpace_proposesValidPrunedCells_reproducibly() throws {
        var configuration = CellSpace.Configuration()
        configuration.maxVertices = 5
        configuration.maxEdges = 6
        configuration.operations = [.conv3x3, .maxPool3x3]
        let space = try CellSpace(configuration: configuration)
        var a = RandomSearch(sampler: space, hyperparameters: [:], budget: 108, seed: 11)
        var b = RandomSearch(sampler: space, hyperparameters: [:], budget: 108, seed: 11)
        let first = try proposals(&a, count: 30)
        XCTAssertEqual(first, try proposals(&b, count: 30))
        for candidate in first {
            let cell = try XCTUnwrap(candidate.network.cell, "a cell space proposes cells")
            XCTAssertNil(candidate.network.architecture)
            XCTAssertEqual(try space.validated(cell), cell, "proposals are pruned and within the limits")
            XCTAssertFalse(cell.operations.contains(.conv1x1))
            XCTAssertEqual(try Network(notation: candidate.network.notation), candidate.network)
        }
        XCTAssertGreaterThan(Set(first.map(\.network.canonicalHash)).count, 5)
        // Candidates survive the store's JSON round trip as cells.
        let decoded = try JSONDecoder().decode([Candidate].self, from: JSONEncoder().encode(first))
        XCTAssertEqual(decoded, first)
    }

    func testCorruptSnapshot_isATypedError() {
        var strategy = RandomSearch(sampler: sampler, hyperparameters: [:], budget: 5, seed: 1)
        XCTAssertThrowsError(try strategy.restore(from: Data("{\"nope\":1}".utf8))) { error in
            guard case StrategyError.snapshot = error else { return XCTFail("unexpected \(error)") }
        }
    }
}

final class SeededGeneratorTests: XCTestCase {
    func testSequence_isAPureFunctionOfTheSeed_andSurvivesCoding() throws {
        var a = SeededGenerator(seed: 123)
        _ = (0..<5).map { _ in a.next() }
        let data = try JSONEncoder().encode(a)
        var b = try JSONDecoder().decode(SeededGenerator.self, from: data)
        XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
        var c = SeededGenerator(seed: 124)
        var d = SeededGenerator(seed: 123)
        XCTAssertNotEqual(c.next(), d.next())
    }

    func testSplitMix64_matchesTheReferenceSequence() {
        // Reference values of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
        var generator = SplitMix64(seed: 1_234_567)
        XCTAssertEqual(generator.next(), 6_457_827_717_110_365_317)
        XCTAssertEqual(generator.next(), 3_203_168_211_198_807_973)
    }

    func testDerivedStreams_differ() {
        var a = SeededGenerator.derived(from: 5, stream: "a")
        var b = SeededGenerator.derived(from: 5, stream: "b")
        XCTAssertNotEqual(a.next(), b.next())
    }
}
