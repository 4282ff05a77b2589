import Foundation
import NASConfig
import NASCore
import NASDaemon
import NASSearch

/// `nasd replay`: strategies replayed over recorded curves, no daemon (docs/cli.md).
enum ReplayCommand {
    static var all: [CommandSpec] { [replay] }

    static let replay = CommandSpec(
        ["replay"], summary: "Replay search strategies over recorded curves (a tabular benchmark) for many seeds.",
        options: [
            .value("data", "CURVES.jsonl", "The recorded curves (required), e.g. from 'nasd convert nb201'."),
            .value("space", "SPACE", "The space searched: nb201 (default), cell or metaqnn."),
            .value(
                "strategy", "LIST",
                "Comma-separated strategies: random, evolution, metaqnn (default random); or hyperband, f-hyperband."),
            .value(
                "max-resource", "R", "hyperband, f-hyperband: R, the most epochs (default the shortest complete row)."),
            .value("eta", "η", "hyperband, f-hyperband: the halving rate (default 3)."),
            .value("iterations", "N", "hyperband, f-hyperband: runs of the whole bracket set per search (default 40)."),
            .value("kappa", "κ", "f-hyperband: k = ⌈κ·n⌉, the rung's k-th best is the reference (default 1)."),
            .value("min-curves", "d", "f-hyperband: curves trained to r before its models are fit (default 100)."),
            .value("budget", "N", "Distinct networks each search trains (default 100)."),
            .value("seeds", "K", "Searches per strategy (default 10)."),
            .value("seed", "S", "Base seed (default 0); search i of K derives its seed from S."),
            .value("jobs", "N", "Searches run at once (default 1); the results do not depend on it."),
            .value("config", "FILE", "A run configuration whose strategy:, space: and training: sections apply."),
            .value("early-stop", "srm", "Replay the rows through SRM early stopping instead of a strategy."),
            .value("confidence", "Δ", "With --early-stop: the probability required to stop (default 0.99)."),
            .value("margin", "δ", "With --early-stop: the margin below the reference (default 0)."),
            .value("nth", "n", "With --early-stop: compare with the n-th best final value (default 1)."),
            .value("burn-in", "B", "With --early-stop: complete curves before the first model (default 100)."),
            .value(
                "min-epochs", "E",
                "With --early-stop: the earliest stop, in epochs (default a quarter of the longest row's last epoch)."),
            .value("warm-start", "FILE", "With --early-stop: a curves file whose complete rows are fit first."),
            .value("orderings", "K", "With --early-stop: random orders of the rows to replay (default 10)."),
            .value(
                "search-count", "N",
                "With --early-stop: random-search candidates per SRM model (default \(SRMSettings().searchCount))."),
            .value(
                "search-sample", "N",
                "With --early-stop: the most curves an SRM model's hyperparameter search and σ use "
                    + "(default \(SRMSettings().searchSampleLimit))."),
            .value(
                "orderings-out", "FILE",
                "With --early-stop: write each ordering's rows and outcome as JSON (bench/srm_replay_reference.py)."),
            .flag(
                "json",
                "Print JSON: {\"results\": {WORD: {best_test_mean, best_test_std, ..., searches: [per seed]}}}."),
        ],
        discussion: """
            Each search runs the strategy's own code, with a lookup in the data standing in for training: a \
            trained network costs its epochs and returns its recorded curve. Reported per strategy, over the K \
            seeds: the mean and standard deviation of the test accuracy (test_accuracy) of the network with the \
            best search signal (validation accuracy) among the N trained, that signal's mean, and the mean number \
            of networks trained. With --early-stop srm, the complete rows are replayed instead, in K seeded \
            random orders, one trial at a time through the pruner a daemon run with the same early_stopping: \
            settings uses; reported: the speedup (epochs of full training over epochs used), in how many orderings \
            the best network was trained to the end, and the trials stopped (JSON: speedup, best_kept, orderings, \
            epochs_used, epochs_full, stopped). With --strategy hyperband,f-hyperband, K searches of Hyperband \
            (R, η, N iterations) draw configurations from the complete rows, a row's first r epochs standing for \
            training it r epochs, without and with f-Hyperband's early stopping; search i of both draws the same \
            configurations; --confidence, --margin, --min-epochs (default 1), --orderings (the K searches) and \
            --search-count apply to f-hyperband as to --early-stop. Reported per strategy: the best value after R epochs found and the epochs spent \
            (means over the K searches); and Hyperband's epochs over f-Hyperband's, with in how many searches \
            f-Hyperband's best reached Hyperband's (JSON: results.WORD.best_final, epochs_used, stopped; \
            epochs_ratio, best_reached, orderings).
            """
    ) { arguments in
        let command = arguments.command
        guard let dataPath = arguments.value("data") else {
            throw UsageError(command: command, message: "--data CURVES.jsonl is required")
        }
        if let word = arguments.value("early-stop") {
            return try replayEarlyStopping(word, dataPath: dataPath, arguments: arguments)
        }
        let words = (arguments.value("strategy") ?? "random").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !words.isEmpty, !words.contains(where: \.isEmpty) else {
            throw UsageError(command: command, message: "--strategy expects comma-separated strategy words")
        }
        if words.contains(where: HyperbandReplaySetup.words.contains) {
            return try replayHyperband(words, dataPath: dataPath, arguments: arguments)
        }
        let space = arguments.value("space") ?? "nb201"
        let budget = try arguments.integer("budget", default: 100)
        let seeds = try arguments.integer("seeds", default: 10)
        let jobs = try arguments.integer("jobs", default: 1)
        let seedText = arguments.value("seed") ?? "0"
        guard let seed = UInt64(seedText) else {
            throw UsageError(command: command, message: "--seed expects a non-negative integer; found '\(seedText)'")
        }
        for word in words where ReplaySetup.strategies[word] == nil {
            throw UsageError(
                command: command,
                message:
                    "unknown strategy '\(word)' (expected \(ReplaySetup.strategies.keys.sorted().joined(separator: ", ")))"
            )
        }
        guard ReplaySetup.spaces[space] != nil else {
            throw UsageError(
                command: command,
                message:
                    "unknown space '\(space)' (expected \(ReplaySetup.spaces.keys.sorted().joined(separator: ", ")))")
        }
        var base: RunConfiguration?
        if let configPath = arguments.value("config") {
            // Paths in it (`strategy.predictor_model`) are relative to the file, as for a run; its
            // trainer's file is not read: the replay serves --data.
            base = SearchSetup.resolvingPaths(
                of: try ConfigCommands.loadConfiguration(configPath, readsReplayFile: false).configuration,
                base: URL(fileURLWithPath: configPath).deletingLastPathComponent())
        }
        let records = try readCurves(dataPath)
        let table = ReplayTable(records: records)
        var outcomes: [ReplayReport.Outcome] = []
        for word in words {
            let outcome = try ReplaySetup.run(
                strategy: word, space: space, table: table, dataPath: dataPath, budget: budget, seeds: seeds,
                seed: seed, base: base, jobs: jobs)
            outcomes.append(ReplayReport.Outcome(word: word, searches: outcome.results))
        }
        if arguments.has("json") {
            try printJSON(ReplayReport(outcomes: outcomes))
        } else {
            var table = TextTable(columns: ["strategy", "best test (mean ± sd)", "best val (mean)", "trained", "seeds"])
            for outcome in outcomes {
                let summary = outcome.summary
                table.add([
                    outcome.word, percent(summary.bestTestMean) + " ± " + percent(summary.bestTestStandardDeviation),
                    percent(summary.bestValidationMean), String(format: "%.1f", summary.trainedMean),
                    "\(summary.seeds)",
                ])
            }
            writeStandardOutput("\(records.count) records, \(budget) networks per search, \(seeds) seeds, seed \(seed)")
            writeStandardOutput(table.render())
        }
        return ExitStatus.success
    }

    /// `nasd replay --early-stop srm`: the rows in K orders through SRM early stopping.
    private static func replayEarlyStopping(_ word: String, dataPath: String, arguments: ParsedArguments) throws
        -> Int32
    {
        let command = arguments.command
        guard word == "srm" else {
            throw UsageError(command: command, message: "unknown early stopping '\(word)' (expected srm)")
        }
        let settings = EarlyStoppingReplaySetup.Settings(
            confidence: try number("confidence", default: 0.99, in: arguments, accepting: { $0 > 0 && $0 <= 1 }),
            margin: try number("margin", default: 0, in: arguments, accepting: { $0 >= 0 && $0 <= 1 }),
            compareToNth: try arguments.integer(
                "nth", default: 1, range: 1...EarlyStoppingConfiguration.maximumCompareToNth),
            burnIn: try arguments.integer("burn-in", default: 100),
            minimumEpochs: arguments.value("min-epochs") == nil ? nil : try arguments.integer("min-epochs", default: 1),
            searchCount: try arguments.integer("search-count", default: SRMSettings().searchCount, range: 1...100_000),
            searchSampleLimit: try arguments.integer(
                "search-sample", default: SRMSettings().searchSampleLimit,
                range: SRMSettings().minimumExamples...Int.max))
        let orderings = try arguments.integer("orderings", default: 10)
        let seedText = arguments.value("seed") ?? "0"
        guard let seed = UInt64(seedText) else {
            throw UsageError(command: command, message: "--seed expects a non-negative integer; found '\(seedText)'")
        }
        let records = try readCurves(dataPath)
        let warmStart = try arguments.value("warm-start").map { try WarmStart.examples(fromFile: $0) } ?? []
        let outcome = EarlyStoppingReplaySetup.run(
            records: records, settings: settings, orderings: orderings, seed: seed, warmStart: warmStart)
        let summary = outcome.summary
        if let orderingsPath = arguments.value("orderings-out") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(ReplayedOrderings(outcome.orderings)).write(to: URL(fileURLWithPath: orderingsPath))
        }
        if arguments.has("json") {
            try printJSON(EarlyStoppingReplayReport(summary: summary))
        } else {
            writeStandardOutput(
                "\(records.count) records, \(orderings) orderings, seed \(seed), Δ = \(settings.confidence), "
                    + "δ = \(settings.margin), n = \(settings.compareToNth), burn-in \(settings.burnIn)"
                    + (warmStart.isEmpty ? "" : " (\(warmStart.count) warm-start curves)"))
            var table = TextTable(columns: [
                "speedup", "best kept", "epochs used (mean)", "epochs full", "stopped (mean)",
            ])
            table.add([
                String(format: "%.2f×", summary.speedup), "\(summary.bestKept)/\(summary.orderings)",
                String(format: "%.1f", summary.epochsUsed), "\(summary.epochsFull)",
                String(format: "%.1f", summary.stopped),
            ])
            writeStandardOutput(table.render())
        }
        return ExitStatus.success
    }

    /// `nasd replay --strategy hyperband,f-hyperband`: Hyperband with and without f-Hyperband's
    /// early stopping, over the same draws.
    private static func replayHyperband(_ words: [String], dataPath: String, arguments: ParsedArguments) throws
        -> Int32
    {
        let command = arguments.command
        if let word = words.first(where: { !HyperbandReplaySetup.words.contains($0) }) {
            throw UsageError(
                command: command,
                message: "'\(word)' cannot be replayed with hyperband (expected only hyperband, f-hyperband)")
        }
        let records = try readCurves(dataPath)
        let rows = EarlyStoppingReplay.Row.rows(of: records)
        guard let shortest = rows.map(\.fullEpochs).min() else {
            throw UsageError(command: command, message: "\(dataPath) has no complete rows to replay")
        }
        if let sparse = rows.first(where: { $0.epochs != Array(1...max(1, $0.epochs.count)) }) {
            throw ReplayError.curveTooShort(
                notation: sparse.candidate.network.notation, needed: sparse.fullEpochs, recorded: sparse.epochs)
        }
        let maxResource = try arguments.integer("max-resource", default: shortest, range: 1...max(1, shortest))
        let earlyStopping = EarlyStoppingConfiguration(
            kind: .srm, margin: try number("margin", default: 0, in: arguments, accepting: { $0 >= 0 && $0 <= 1 }),
            confidence: try number("confidence", default: 0.99, in: arguments, accepting: { $0 > 0 && $0 <= 1 }),
            minEpochs: try arguments.integer("min-epochs", default: 1, range: 1...max(1, maxResource)),
            kappa: try number(
                "kappa", default: EarlyStoppingConfiguration.defaultKappa, in: arguments,
                accepting: { $0 > 0 && $0 <= 1 }),
            minCurves: try arguments.integer(
                "min-curves", default: EarlyStoppingConfiguration.defaultMinCurves, range: 2...1_000_000))
        let settings = HyperbandReplaySetup.Settings(
            maxResource: maxResource, eta: try arguments.integer("eta", default: 3, range: 2...1_000),
            iterations: try arguments.integer("iterations", default: 40, range: 1...100_000),
            earlyStopping: earlyStopping,
            searchCount: try arguments.integer("search-count", default: SRMSettings().searchCount, range: 1...100_000))
        let orderings = try arguments.integer("orderings", default: 10, range: 1...100_000)
        let seedText = arguments.value("seed") ?? "0"
        guard let seed = UInt64(seedText) else {
            throw UsageError(command: command, message: "--seed expects a non-negative integer; found '\(seedText)'")
        }
        var searches: [(String, [HyperbandReplay.Search])] = []
        for word in words {
            searches.append(
                (
                    word,
                    try HyperbandReplaySetup.run(
                        word: word, records: records, settings: settings, orderings: orderings, seed: seed)
                ))
        }
        let baseline = searches.first { $0.0 == "hyperband" }?.1
        let fast = searches.first { $0.0 == "f-hyperband" }?.1
        let comparison = baseline.flatMap { base in fast.map { HyperbandReplay.compare(baseline: base, fast: $0) } }
        let report = HyperbandReplayReport(
            summaries: searches.map { ($0.0, HyperbandReplay.summarize($0.1)) }, comparison: comparison,
            orderings: orderings)
        if arguments.has("json") {
            try printJSON(report)
        } else {
            writeStandardOutput(
                "\(rows.count) complete rows, R = \(maxResource), η = \(settings.eta), \(settings.iterations) iterations, "
                    + "\(orderings) orderings, seed \(seed); f-hyperband: Δ = \(earlyStopping.confidence), "
                    + "δ = \(earlyStopping.margin), κ = \(earlyStopping.kappa), d = \(earlyStopping.minCurves)")
            var table = TextTable(columns: ["strategy", "best final (mean)", "epochs used (mean)", "stopped (mean)"])
            for (word, summary) in report.summaries {
                table.add([
                    word, percent(summary.bestFinal), String(format: "%.1f", summary.epochsUsed),
                    String(format: "%.1f", summary.stopped),
                ])
            }
            writeStandardOutput(table.render())
            if let comparison {
                writeStandardOutput(
                    "epochs ratio (hyperband / f-hyperband): "
                        + (comparison.epochsRatio.map { String(format: "%.2f×", $0) } ?? "-")
                        + "; f-hyperband reached hyperband's best in \(comparison.bestReached)/\(comparison.searches) orderings"
                )
            }
        }
        return ExitStatus.success
    }

    private static func number(
        _ name: String, default value: Double, in arguments: ParsedArguments, accepting isValid: (Double) -> Bool
    ) throws(UsageError) -> Double {
        guard let text = arguments.value(name) else { return value }
        guard let number = Double(text), number.isFinite, isValid(number) else {
            throw UsageError(command: arguments.command, message: "option '--\(name)' is out of range; found '\(text)'")
        }
        return number
    }

    private static func readCurves(_ path: String) throws -> [CurveRecord] {
        do {
            return try CurvesFile.parse(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as CurvesFileError {
            throw InvalidCurvesFile(path: path, error: error)
        } catch {
            throw UnreadableInput(path: path, reason: error.localizedDescription)
        }
    }

    /// An accuracy in [0, 1] as a percentage with two decimals, or `-`.
    private static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0 * 100) } ?? "-"
    }
}

/// `nasd replay --json`: `{"results": {WORD: {...}}}`, keyed by the words of `--strategy`; a figure
/// with no value (no test accuracy in the data) is `null`. Each word's `searches` lists the K
/// searches in seed order (search i ran with seed `ReplayBenchmark.seed(i, of: S)`), so that a
/// comparison can look past the means: which searches failed, and how.
private struct ReplayReport: Encodable {
    /// One strategy word's searches, in seed order.
    struct Outcome {
        var word: String
        var searches: [ReplayedSearch.Result]

        /// The figures over the searches.
        var summary: ReplayBenchmark.Summary { ReplayBenchmark.summarize(searches) }
    }

    var outcomes: [Outcome]

    private struct WordKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private enum Keys: String, CodingKey {
        case results
        case bestTestMean = "best_test_mean"
        case bestTestStandardDeviation = "best_test_std"
        case bestValidationMean = "best_val_mean"
        case trainedMean = "trained_mean"
        case epochsMean = "epochs_mean"
        case seeds
        case searches
    }

    private enum SearchKeys: String, CodingKey {
        case best
        case bestValidation = "best_val"
        case bestTest = "best_test"
        case trained
        case epochs
        case reused
        case networks
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var results = container.nestedContainer(keyedBy: WordKey.self, forKey: .results)
        for outcome in outcomes {
            let summary = outcome.summary
            var entry = results.nestedContainer(keyedBy: Keys.self, forKey: WordKey(stringValue: outcome.word))
            try entry.encode(summary.bestTestMean, forKey: .bestTestMean)
            try entry.encode(summary.bestTestStandardDeviation, forKey: .bestTestStandardDeviation)
            try entry.encode(summary.bestValidationMean, forKey: .bestValidationMean)
            try entry.encode(summary.trainedMean, forKey: .trainedMean)
            try entry.encode(summary.epochsMean, forKey: .epochsMean)
            try entry.encode(summary.seeds, forKey: .seeds)
            var searches = entry.nestedUnkeyedContainer(forKey: .searches)
            for search in outcome.searches {
                var row = searches.nestedContainer(keyedBy: SearchKeys.self)
                try row.encode(search.bestNotation, forKey: .best)
                try row.encode(search.bestValidation, forKey: .bestValidation)
                try row.encode(search.bestTest, forKey: .bestTest)
                try row.encode(search.trained, forKey: .trained)
                try row.encode(search.epochs, forKey: .epochs)
                try row.encode(search.reused, forKey: .reused)
                try row.encode(search.trainedNetworks, forKey: .networks)
            }
        }
    }
}

/// `nasd replay --early-stop srm --json`.
private struct EarlyStoppingReplayReport: Encodable {
    var summary: EarlyStoppingReplay.Summary

    private enum Keys: String, CodingKey {
        case speedup
        case bestKept = "best_kept"
        case orderings
        case epochsUsed = "epochs_used"
        case epochsFull = "epochs_full"
        case stopped
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(summary.speedup, forKey: .speedup)
        try container.encode(summary.bestKept, forKey: .bestKept)
        try container.encode(summary.orderings, forKey: .orderings)
        try container.encode(summary.epochsUsed, forKey: .epochsUsed)
        try container.encode(summary.epochsFull, forKey: .epochsFull)
        try container.encode(summary.stopped, forKey: .stopped)
    }
}

/// `nasd replay --early-stop srm --orderings-out FILE`: the orders replayed, so a reference
/// implementation can replay exactly the same ones.
private struct ReplayedOrderings: Encodable {
    struct Entry: Encodable {
        /// The 1-based position of each row among the file's non-blank lines, in replay order (the
        /// numbering of `predict eval --split-out`).
        var rows: [Int]
        var epochsUsed: Int
        var stopped: Int
        var bestKept: Bool

        enum CodingKeys: String, CodingKey {
            case rows, stopped
            case epochsUsed = "epochs_used"
            case bestKept = "best_kept"
        }
    }

    var orderings: [Entry]

    init(_ orderings: [EarlyStoppingReplay.Ordering]) {
        self.orderings = orderings.map {
            Entry(rows: $0.order.map { $0 + 1 }, epochsUsed: $0.epochsUsed, stopped: $0.stopped, bestKept: $0.bestKept)
        }
    }
}

extension ReplayError: InvalidInputError {}
extension WarmStartError: InvalidInputError {}
extension ReplaySetup.UnknownWord: InvalidInputError {}

/// `nasd replay --strategy hyperband,f-hyperband --json`: `{"results": {WORD: {best_final,
/// epochs_used, stopped}}, "epochs_ratio", "best_reached", "orderings"}`; the comparison is `null`
/// unless both words were replayed.
private struct HyperbandReplayReport: Encodable {
    var summaries: [(String, HyperbandReplay.Summary)]
    var comparison: HyperbandReplay.Comparison?
    var orderings: Int

    private struct WordKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private enum Keys: String, CodingKey {
        case results
        case bestFinal = "best_final"
        case epochsUsed = "epochs_used"
        case stopped
        case epochsRatio = "epochs_ratio"
        case bestReached = "best_reached"
        case orderings
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var results = container.nestedContainer(keyedBy: WordKey.self, forKey: .results)
        for (word, summary) in summaries {
            var entry = results.nestedContainer(keyedBy: Keys.self, forKey: WordKey(stringValue: word))
            try entry.encode(summary.bestFinal, forKey: .bestFinal)
            try entry.encode(summary.epochsUsed, forKey: .epochsUsed)
            try entry.encode(summary.stopped, forKey: .stopped)
        }
        try container.encode(comparison?.epochsRatio, forKey: .epochsRatio)
        try container.encode(comparison?.bestReached, forKey: .bestReached)
        try container.encode(orderings, forKey: .orderings)
    }
}
