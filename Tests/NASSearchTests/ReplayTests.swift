import Foundation
import NASCore
import XCTest

@testable import NASSearch

final class ReplayTests: XCTestCase {
    /// A table of the 729 cells over three ops, with a validation accuracy and a test accuracy
    /// that are both functions of the cell (so that expected results can be recomputed).
    private static func table() throws -> (table: ReplayTable, records: [CurveRecord]) {
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        var records: [CurveRecord] = []
        for index in 0..<space.size {
            var remainder = index
            let ops = (0..<6).map { _ -> NASBench201Operation in
                defer { remainder /= 3 }
                return space.operations[remainder % 3]
            }
            let cell = try NASBench201Cell(operations: ops)
            let validation = 0.5 + Double(index) / 2000
            records.append(
                CurveRecord(
                    network: .nb201(cell), curve: [validation * 0.6, validation], epochs: [4, 12],
                    testAccuracy: validation + 0.05))
        }
        return (ReplayTable(records: records), records)
    }

    func testReplayedRandomSearch_trainsNDistinctNetworks_andPicksTheBestSignal() throws {
        let (table, _) = try Self.table()
        XCTAssertEqual(table.count, 729)
        XCTAssertEqual(table.maxEpoch, 12)
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        var strategy = RandomSearch(sampler: space, hyperparameters: [:], budget: 12, seed: 5)
        let result = try ReplayedSearch.run(&strategy, table: table, budget: 60)
        XCTAssertEqual(result.trained, 60)
        XCTAssertEqual(result.epochs, 60 * 12)
        // The same draws again, by hand: the best final value among the first 60 distinct cells.
        var again = RandomSearch(sampler: space, hyperparameters: [:], budget: 12, seed: 5)
        var seen: [String] = []
        var proposals = 0
        while seen.count < 60 {
            guard case .train(let candidate) = try again.propose() else { return XCTFail("random always trains") }
            proposals += 1
            if !seen.contains(candidate.network.canonicalNotation) { seen.append(candidate.network.canonicalNotation) }
        }
        XCTAssertEqual(result.reused, proposals - 60)
        XCTAssertEqual(
            try result.trainedNetworks.map { try Network(notation: $0).canonicalNotation }, seen,
            "the trained networks, in the order they were first proposed")
        let best = try XCTUnwrap(
            seen.compactMap { try? Network(notation: $0) }.max { lhs, rhs in
                (table.entry(for: lhs)?.curve.last ?? 0) < (table.entry(for: rhs)?.curve.last ?? 0)
            })
        XCTAssertEqual(result.bestNotation, best.notation)
        XCTAssertEqual(result.bestValidation, table.entry(for: best)?.curve.last)
        XCTAssertEqual(result.bestTest ?? -1, (result.bestValidation ?? 0) + 0.05, accuracy: 1e-12)
    }

    func testReplayedEvolution_servesTheBudgetsPrefix_andNeverTrainsTwice() throws {
        let (table, _) = try Self.table()
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        var strategy = RegularizedEvolution(
            space: space, settings: .init(population: 10, sampleSize: 3, cycles: 1000), hyperparameters: [:],
            budget: 4, seed: 2)
        let result = try ReplayedSearch.run(&strategy, table: table, budget: 200)
        XCTAssertEqual(result.trained, 200)
        XCTAssertEqual(result.reused, 0, "evolution never proposes a network twice")
        XCTAssertEqual(result.epochs, 200 * 4, "a budget of 4 epochs is served the epoch-4 point only")
        XCTAssertGreaterThan(result.bestValidation ?? 0, 0.6 * (0.5 + 700.0 / 2000) - 1e-9)
    }

    func testAStrategyThatEnds_endsTheSearchEarly() throws {
        let (table, _) = try Self.table()
        var strategy = RegularizedEvolution(
            space: try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3]),
            settings: .init(population: 5, sampleSize: 2, cycles: 3), hyperparameters: [:], budget: 12, seed: 2)
        let result = try ReplayedSearch.run(&strategy, table: table, budget: 100)
        XCTAssertEqual(result.trained, 8)
    }

    func testANetworkOutsideTheData_isATypedError() throws {
        let (table, _) = try Self.table()
        var strategy = RandomSearch(sampler: try NASBench201Space(), hyperparameters: [:], budget: 12, seed: 1)
        XCTAssertThrowsError(try ReplayedSearch.run(&strategy, table: table, budget: 50)) { error in
            guard case ReplayError.networkNotRecorded = error else { return XCTFail("\(error)") }
        }
    }

    func testBenchmark_withConcurrentJobs_givesTheSequentialResultsInSeedOrder() throws {
        let (table, _) = try Self.table()
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        let make: @Sendable (UInt64) -> any SearchStrategy = { seed in
            RegularizedEvolution(
                space: space, settings: .init(population: 8, sampleSize: 3, cycles: 1000), hyperparameters: [:],
                budget: 12, seed: seed)
        }
        let sequential = try ReplayBenchmark.run(seeds: 7, seed: 3, budget: 40, table: table, makeStrategy: make)
        for jobs in [2, 3, 16] {
            let concurrent = try ReplayBenchmark.run(
                seeds: 7, seed: 3, budget: 40, table: table, jobs: jobs, makeStrategy: make)
            XCTAssertEqual(concurrent.results, sequential.results, "jobs \(jobs)")
            XCTAssertEqual(concurrent.summary, sequential.summary, "jobs \(jobs)")
        }
        XCTAssertGreaterThan(Set(sequential.results.map { $0.trainedNetworks }).count, 1, "seeds differ")

        // A failing search fails the benchmark with the error of the lowest failing seed.
        let failing: @Sendable (UInt64) throws -> any SearchStrategy = { seed in
            guard seed != ReplayBenchmark.seed(4, of: 3) && seed != ReplayBenchmark.seed(5, of: 3) else {
                throw ReplayError.networkNotRecorded(notation: "seed \(seed == ReplayBenchmark.seed(4, of: 3) ? 4 : 5)")
            }
            return make(seed)
        }
        XCTAssertThrowsError(
            try ReplayBenchmark.run(seeds: 7, seed: 3, budget: 40, table: table, jobs: 3, makeStrategy: failing)
        ) { error in
            guard case ReplayError.networkNotRecorded(let notation) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(notation, "seed 4")
        }
    }

    func testBenchmark_isDeterministic_andSummarizesMeanAndSampleStandardDeviation() throws {
        let (table, _) = try Self.table()
        let space = try NASBench201Space(operations: [.none, .skipConnect, .convolution3x3])
        let make: @Sendable (UInt64) -> any SearchStrategy = { seed in
            RandomSearch(sampler: space, hyperparameters: [:], budget: 12, seed: seed)
        }
        let first = try ReplayBenchmark.run(seeds: 6, seed: 10, budget: 20, table: table, makeStrategy: make)
        let second = try ReplayBenchmark.run(seeds: 6, seed: 10, budget: 20, table: table, makeStrategy: make)
        XCTAssertEqual(first.results, second.results)
        XCTAssertEqual(first.summary.seeds, 6)
        XCTAssertGreaterThan(Set(first.results.map { $0.bestNotation }).count, 1, "seeds differ")
        XCTAssertNotEqual(ReplayBenchmark.seed(0, of: 10), ReplayBenchmark.seed(1, of: 10))

        let results = [0.90, 0.92, 0.94].map {
            ReplayedSearch.Result(
                bestNotation: "x", bestValidation: $0 - 0.1, bestTest: $0, trained: 10, epochs: 120, reused: 0)
        }
        let summary = ReplayBenchmark.summarize(results)
        XCTAssertEqual(summary.bestTestMean ?? 0, 0.92, accuracy: 1e-12)
        XCTAssertEqual(summary.bestTestStandardDeviation ?? 0, 0.02, accuracy: 1e-12)
        XCTAssertEqual(summary.bestValidationMean ?? 0, 0.82, accuracy: 1e-12)
        XCTAssertEqual(summary.trainedMean, 10)
        XCTAssertEqual(ReplayBenchmark.summarize([results[0]]).bestTestStandardDeviation, 0)
        XCTAssertNil(ReplayBenchmark.summarize([]).bestTestMean)
    }
}
