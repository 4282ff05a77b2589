import NASConfig
import NASCore
import NASSearch

/// What `nasd replay --strategy hyperband,f-hyperband` replays: the `Hyperband` strategy a daemon
/// run with the same `strategy:` settings builds, drawing configurations from the recorded rows,
/// without (`hyperband`) or with (`f-hyperband`) the pruner of an `early_stopping:` section
/// (`SearchSetup.makeFastHyperbandPruner`).
public enum HyperbandReplaySetup {
    /// The replay words: Hyperband alone, and Hyperband with f-Hyperband's early stopping.
    public static let words = ["hyperband", "f-hyperband"]

    /// The settings of a replay.
    public struct Settings: Hashable, Sendable {
        /// R.
        public var maxResource: Int
        /// η.
        public var eta: Int
        /// Runs of the whole set of brackets per search.
        public var iterations: Int
        /// Δ, δ, κ, d and `min_epochs` (the `early_stopping:` keys, f-Hyperband's defaults).
        public var earlyStopping: EarlyStoppingConfiguration
        /// Random-search candidates per SRM model (the daemon's default unless changed).
        public var searchCount: Int

        /// Creates settings.
        public init(
            maxResource: Int, eta: Int = 3, iterations: Int = 1,
            earlyStopping: EarlyStoppingConfiguration = EarlyStoppingConfiguration(),
            searchCount: Int = SRMSettings().searchCount
        ) {
            self.maxResource = maxResource
            self.eta = eta
            self.iterations = iterations
            self.earlyStopping = earlyStopping
            self.searchCount = searchCount
        }
    }

    /// Replays `word` (one of `words`) `orderings` times over the complete rows of `records`.
    ///
    /// Search i of every word is seeded with `ReplayBenchmark.seed(i, of: seed)`, so Hyperband and
    /// f-Hyperband draw the same configurations into the same brackets; its pruner fits with that
    /// seed, as the run of that seed would, for networks of the first row's input shape.
    ///
    /// - Throws: `ReplaySetup.UnknownWord`, `ReplayError`.
    public static func run(
        word: String, records: [CurveRecord], settings: Settings, orderings: Int, seed: UInt64
    ) throws -> [HyperbandReplay.Search] {
        guard words.contains(word) else { throw ReplaySetup.UnknownWord(kind: "strategy", word: word, known: words) }
        let rows = EarlyStoppingReplay.Row.rows(of: records)
        let input = records.first?.input ?? .cifar
        return try (0..<max(0, orderings)).map { index in
            let searchSeed = ReplayBenchmark.seed(index, of: seed)
            var hyperband = Hyperband(
                sampler: HyperbandReplay.RowSampler(rows: rows), maxResource: settings.maxResource, eta: settings.eta,
                iterations: settings.iterations, hyperparameters: [:], seed: searchSeed)
            var pruner: FastHyperbandPruner?
            if word == "f-hyperband" {
                pruner = SearchSetup.makeFastHyperbandPruner(settings.earlyStopping, seed: searchSeed, input: input)
                pruner?.settings.searchCount = settings.searchCount
            }
            return try HyperbandReplay.run(&hyperband, rows: rows, pruner: pruner)
        }
    }
}
