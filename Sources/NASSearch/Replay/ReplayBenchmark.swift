import Foundation
import NASCore

/// A strategy replayed over many seeds (`nasd replay`): per seed a fresh strategy, one
/// `ReplayedSearch`, and the mean and standard deviation over seeds of the test accuracy of the
/// network each search picked (NAS-Bench-201's protocol: pick by validation, report test).
public enum ReplayBenchmark {
    /// Mean and spread over seeds.
    public struct Summary: Hashable, Sendable {
        /// Mean over seeds of the picked network's test accuracy; `nil` when no picked network has one.
        public var bestTestMean: Double?
        /// Sample standard deviation (n − 1; 0 for one seed) of the same.
        public var bestTestStandardDeviation: Double?
        /// Mean over seeds of the picked network's search signal.
        public var bestValidationMean: Double?
        /// Mean number of distinct networks trained.
        public var trainedMean: Double
        /// Mean epochs spent.
        public var epochsMean: Double
        /// The number of seeds.
        public var seeds: Int
    }

    /// The seed of search `index` (0-based) of a benchmark seeded with `seed`: a SplitMix64-mixed
    /// value of the pair, so neighbouring indices give unrelated searches.
    public static func seed(_ index: Int, of seed: UInt64) -> UInt64 {
        var generator = SeededGenerator.derived(from: seed, stream: "replay-seed-\(index)")
        return generator.next()
    }

    /// Runs `seeds` searches of `budget` networks each, `jobs` at a time.
    ///
    /// Every search has its own strategy, seed and state, so running them concurrently changes
    /// nothing but the wall time: the results are those of one search after another, in seed order.
    ///
    /// - Parameters:
    ///   - seeds: K, the number of searches.
    ///   - seed: S; search i uses `seed(i, of: S)`.
    ///   - budget: N, distinct networks per search.
    ///   - table: the recorded runs.
    ///   - jobs: how many searches run at once (values below 1 mean 1).
    ///   - makeStrategy: a fresh strategy for a seed.
    /// - Returns: the per-seed results, in seed order, and their summary.
    /// - Throws: `ReplayError`, or what `makeStrategy` throws: the error of the lowest seed index
    ///   that failed.
    public static func run(
        seeds: Int, seed: UInt64, budget: Int, table: ReplayTable, jobs: Int = 1,
        makeStrategy: @Sendable (UInt64) throws -> any SearchStrategy
    ) throws -> (results: [ReplayedSearch.Result], summary: Summary) {
        let count = max(0, seeds)
        let slots = IndexedResults<Result<ReplayedSearch.Result, any Error>>(count: count)
        let workers = min(max(1, jobs), count)
        @Sendable func search(_ index: Int) {
            slots.store(
                Result {
                    var strategy = try makeStrategy(Self.seed(index, of: seed))
                    return try ReplayedSearch.run(&strategy, table: table, budget: budget)
                }, at: index)
        }
        if workers <= 1 {
            for index in 0..<count { search(index) }
        } else {
            // Searches are dealt round-robin; each writes only its own slot.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: count, by: workers) { search(index) }
            }
        }
        var results: [ReplayedSearch.Result] = []
        for slot in slots.all {
            guard let slot else { continue }
            results.append(try slot.get())
        }
        return (results, summarize(results))
    }

    /// The summary of per-seed results.
    public static func summarize(_ results: [ReplayedSearch.Result]) -> Summary {
        let tests = results.compactMap(\.bestTest)
        let validations = results.compactMap(\.bestValidation)
        let count = Double(max(results.count, 1))
        return Summary(
            bestTestMean: mean(tests), bestTestStandardDeviation: standardDeviation(tests),
            bestValidationMean: mean(validations),
            trainedMean: Double(results.reduce(0) { $0 + $1.trained }) / count,
            epochsMean: Double(results.reduce(0) { $0 + $1.epochs }) / count, seeds: results.count)
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    private static func standardDeviation(_ values: [Double]) -> Double? {
        guard let mean = mean(values) else { return nil }
        guard values.count > 1 else { return 0 }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }
}
