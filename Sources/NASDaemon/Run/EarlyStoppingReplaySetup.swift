import NASConfig
import NASCore
import NASSearch

/// What `nasd replay --early-stop srm` replays: the recorded complete curves in K seeded orders
/// through the `SRMPruner` a daemon run with the same `early_stopping:` settings builds
/// (`SearchSetup.makeSRMPruner`).
public enum EarlyStoppingReplaySetup {
    /// The early-stopping settings of a replay (the `early_stopping:` keys of docs/config.md).
    public struct Settings: Hashable, Sendable {
        /// Δ.
        public var confidence: Double
        /// δ.
        public var margin: Double
        /// n of `compare_to_nth`.
        public var compareToNth: Int
        /// Complete curves before the first model, the warm start's included.
        public var burnIn: Int
        /// The earliest epoch a trial may be stopped at; a quarter of the longest row when nil.
        public var minimumEpochs: Int?
        /// Random-search candidates per SRM model (the daemon's default unless changed).
        public var searchCount: Int
        /// `SRMSettings.searchSampleLimit` (the daemon's default unless changed).
        public var searchSampleLimit: Int

        /// Creates settings (the defaults are the configuration's).
        public init(
            confidence: Double = 0.99, margin: Double = 0, compareToNth: Int = 1, burnIn: Int = 100,
            minimumEpochs: Int? = nil, searchCount: Int = SRMSettings().searchCount,
            searchSampleLimit: Int = SRMSettings().searchSampleLimit
        ) {
            self.confidence = confidence
            self.margin = margin
            self.compareToNth = compareToNth
            self.burnIn = burnIn
            self.minimumEpochs = minimumEpochs
            self.searchCount = searchCount
            self.searchSampleLimit = searchSampleLimit
        }
    }

    /// Replays the complete rows of `records` in `orderings` orders seeded by `seed`.
    ///
    /// Ordering i's pruner fits with the run seed `ReplayBenchmark.seed(i, of: seed)`, as the run of
    /// that seed would; its networks' input shape is the first row's.
    ///
    /// - Parameter warmStart: complete curves fit before each ordering's own (`warm_start`).
    public static func run(
        records: [CurveRecord], settings: Settings, orderings: Int, seed: UInt64,
        warmStart: [LearningCurveExample] = []
    ) -> (orderings: [EarlyStoppingReplay.Ordering], summary: EarlyStoppingReplay.Summary) {
        let rows = EarlyStoppingReplay.Row.rows(of: records)
        let longest = rows.map(\.fullEpochs).max() ?? 2
        let earlyStopping = EarlyStoppingConfiguration(
            kind: .srm, margin: settings.margin, confidence: settings.confidence, burnIn: settings.burnIn,
            compareToNth: settings.compareToNth, minEpochs: settings.minimumEpochs ?? max(1, longest / 4))
        let input = records.first?.input ?? .cifar
        return EarlyStoppingReplay.run(rows: rows, orderings: orderings, seed: seed) { index in
            var pruner = SearchSetup.makeSRMPruner(
                earlyStopping, seed: ReplayBenchmark.seed(index, of: seed), input: input, warmStart: warmStart)
            pruner.settings.searchCount = settings.searchCount
            pruner.settings.searchSampleLimit = settings.searchSampleLimit
            return pruner
        }
    }
}
