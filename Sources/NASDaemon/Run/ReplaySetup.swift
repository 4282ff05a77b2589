import NASConfig
import NASCore
import NASSearch

/// What `nasd replay` replays: strategy and space words, and the run configuration each
/// (strategy, seed) pair is built from, so that a replayed strategy is the very object
/// `SearchSetup.makeStrategy` gives a daemon run.
public enum ReplaySetup {
    /// The strategy words `--strategy` accepts and the settings each has without a `--config`
    /// (the `strategy:` defaults of docs/config.md). The argument is the budget N in networks, for
    /// strategies whose schedule scales with it. Adding a strategy is one line here (and its case in
    /// `SearchSetup.makeStrategy`).
    public static let strategies: [String: @Sendable (_ budget: Int) -> StrategyConfiguration] = [
        "random": { _ in .random },
        "evolution": { _ in .evolution(EvolutionOptions()) },
        "metaqnn": { budget in
            .metaQNN(MetaQNNStrategyOptions(epsilonSchedule: scaledPaperSchedule(toModels: budget)))
        },
    ]

    /// The paper's ε schedule (1,500 models at ε = 1.0, then 100 at each of 0.9–0.7 and 150 at each
    /// of 0.6–0.1: 2,700 in all) scaled to `models` unique networks: each step keeps its share of
    /// the whole, rounded, at least one model, and the last step takes what rounding left, so the
    /// schedule trains exactly `models` networks (55.6% exploring at ε = 1, as in the paper).
    public static func scaledPaperSchedule(toModels models: Int) -> [EpsilonStep] {
        let paper = MetaQNNStrategyOptions.paperSchedule
        let total = paper.reduce(0) { $0 + $1.models }
        guard models >= paper.count else {
            return [EpsilonStep(epsilon: 1.0, models: max(1, models))]
        }
        var steps = paper.map { step in
            EpsilonStep(
                epsilon: step.epsilon, models: max(1, Int((Double(step.models * models) / Double(total)).rounded())))
        }
        let assigned = steps.dropLast().reduce(0) { $0 + $1.models }
        steps[steps.count - 1].models = max(1, models - assigned)
        return steps
    }

    /// The space words `--space` accepts and their settings without a `--config` (docs/config.md
    /// defaults).
    public static let spaces: [String: SearchSpaceConfiguration.Kind] = [
        "nb201": .nb201(NASBench201SpaceOptions()),
        "cell": .cell(CellSpaceOptions()),
        "metaqnn": .metaQNN(MetaQNNSpaceOptions()),
    ]

    /// A word that is not in a table, with the words that are.
    public struct UnknownWord: Error, Hashable, Sendable, CustomStringConvertible {
        /// `strategy` or `space`.
        public var kind: String
        /// The word given.
        public var word: String
        /// The words accepted.
        public var known: [String]

        public var description: String {
            "unknown \(kind) '\(word)' for replay (expected one of \(known.joined(separator: ", ")))"
        }
    }

    /// The run configuration one replayed search is built from.
    ///
    /// - Parameters:
    ///   - strategy: a word of `strategies`.
    ///   - space: a word of `spaces`.
    ///   - budget: N, distinct networks per search.
    ///   - epochs: the training budget of every candidate when `base` gives none (the data's last
    ///     recorded epoch).
    ///   - dataPath: the curves file (the trainer a daemon run would use).
    ///   - base: the `--config` file's configuration: its `strategy:` section is used for the word of
    ///     its kind, its `space:` section for the space of its kind, its `training:` section always.
    ///   - seed: the search's seed.
    /// - Throws: `UnknownWord`.
    public static func configuration(
        strategy: String, space: String, budget: Int, epochs: Int, dataPath: String, base: RunConfiguration?,
        seed: UInt64
    ) throws(UnknownWord) -> RunConfiguration {
        guard let defaultStrategy = strategies[strategy] else {
            throw UnknownWord(kind: "strategy", word: strategy, known: strategies.keys.sorted())
        }
        guard let defaultSpace = spaces[space] else {
            throw UnknownWord(kind: "space", word: space, known: spaces.keys.sorted())
        }
        let strategyConfiguration =
            base.map(\.strategy).flatMap { $0.kindName == strategy ? $0 : nil } ?? defaultStrategy(budget)
        let spaceConfiguration =
            base.map(\.space).flatMap { $0.kindName == space ? $0 : nil }
            ?? SearchSpaceConfiguration(kind: defaultSpace)
        return RunConfiguration(
            name: base?.name ?? "replay", seed: seed, space: spaceConfiguration, strategy: strategyConfiguration,
            training: base?.training ?? TrainingConfiguration(epochs: max(1, epochs)),
            trainer: .replay(file: dataPath))
    }

    /// Replays `strategy` over `table` for `seeds` seeds, `jobs` at a time (`ReplayBenchmark.run`:
    /// the results do not depend on `jobs`), each strategy built by `SearchSetup.makeStrategy`.
    ///
    /// - Throws: `UnknownWord`, `SearchSetup.Unsupported`, a space configuration error, `ReplayError`.
    public static func run(
        strategy: String, space: String, table: ReplayTable, dataPath: String, budget: Int, seeds: Int,
        seed: UInt64, base: RunConfiguration?, jobs: Int = 1
    ) throws -> (results: [ReplayedSearch.Result], summary: ReplayBenchmark.Summary) {
        // Checked once up front, so that a bad word is reported before any search runs.
        let template = try configuration(
            strategy: strategy, space: space, budget: budget, epochs: table.maxEpoch, dataPath: dataPath, base: base,
            seed: seed)
        _ = try SearchSetup.makeStrategy(for: template)
        return try ReplayBenchmark.run(
            seeds: seeds, seed: seed, budget: budget, table: table, jobs: jobs
        ) { searchSeed in
            var configuration = template
            configuration.seed = searchSeed
            return try SearchSetup.makeStrategy(for: configuration)
        }
    }
}
