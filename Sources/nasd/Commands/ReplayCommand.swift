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
            .value("strategy", "LIST", "Comma-separated strategies: random, evolution (default random)."),
            .value("budget", "N", "Distinct networks each search trains (default 100)."),
            .value("seeds", "K", "Searches per strategy (default 10)."),
            .value("seed", "S", "Base seed (default 0); search i of K derives its seed from S."),
            .value("config", "FILE", "A run configuration whose strategy:, space: and training: sections apply."),
            .flag("json", "Print JSON: {\"results\": {WORD: {best_test_mean, best_test_std, ...}}}."),
        ],
        discussion: """
            Each search runs the strategy's own code, with a lookup in the data standing in for training: a \
            trained network costs its epochs and returns its recorded curve. Reported per strategy, over the K \
            seeds: the mean and standard deviation of the test accuracy (test_accuracy) of the network with the \
            best search signal (validation accuracy) among the N trained, that signal's mean, and the mean number \
            of networks trained.
            """
    ) { arguments in
        let command = arguments.command
        guard let dataPath = arguments.value("data") else {
            throw UsageError(command: command, message: "--data CURVES.jsonl is required")
        }
        let words = (arguments.value("strategy") ?? "random").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard !words.isEmpty, !words.contains(where: \.isEmpty) else {
            throw UsageError(command: command, message: "--strategy expects comma-separated strategy words")
        }
        let space = arguments.value("space") ?? "nb201"
        let budget = try arguments.integer("budget", default: 100)
        let seeds = try arguments.integer("seeds", default: 10)
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
            base = try ConfigCommands.loadConfiguration(configPath).configuration
        }
        let records: [CurveRecord]
        do {
            records = try CurvesFile.parse(try Data(contentsOf: URL(fileURLWithPath: dataPath)))
        } catch let error as CurvesFileError {
            throw InvalidCurvesFile(path: dataPath, error: error)
        } catch {
            throw UnreadableInput(path: dataPath, reason: error.localizedDescription)
        }
        let table = ReplayTable(records: records)
        var summaries: [(String, ReplayBenchmark.Summary)] = []
        for word in words {
            let outcome = try ReplaySetup.run(
                strategy: word, space: space, table: table, dataPath: dataPath, budget: budget, seeds: seeds,
                seed: seed, base: base)
            summaries.append((word, outcome.summary))
        }
        if arguments.has("json") {
            try printJSON(ReplayReport(summaries: summaries))
        } else {
            var table = TextTable(columns: ["strategy", "best test (mean ± sd)", "best val (mean)", "trained", "seeds"])
            for (word, summary) in summaries {
                table.add([
                    word, percent(summary.bestTestMean) + " ± " + percent(summary.bestTestStandardDeviation),
                    percent(summary.bestValidationMean), String(format: "%.1f", summary.trainedMean),
                    "\(summary.seeds)",
                ])
            }
            writeStandardOutput("\(records.count) records, \(budget) networks per search, \(seeds) seeds, seed \(seed)")
            writeStandardOutput(table.render())
        }
        return ExitStatus.success
    }

    /// An accuracy in [0, 1] as a percentage with two decimals, or `-`.
    private static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0 * 100) } ?? "-"
    }
}

/// `nasd replay --json`: `{"results": {WORD: {...}}}`, keyed by the words of `--strategy`; a figure
/// with no value (no test accuracy in the data) is `null`.
private struct ReplayReport: Encodable {
    var summaries: [(String, ReplayBenchmark.Summary)]

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
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var results = container.nestedContainer(keyedBy: WordKey.self, forKey: .results)
        for (word, summary) in summaries {
            var entry = results.nestedContainer(keyedBy: Keys.self, forKey: WordKey(stringValue: word))
            try entry.encode(summary.bestTestMean, forKey: .bestTestMean)
            try entry.encode(summary.bestTestStandardDeviation, forKey: .bestTestStandardDeviation)
            try entry.encode(summary.bestValidationMean, forKey: .bestValidationMean)
            try entry.encode(summary.trainedMean, forKey: .trainedMean)
            try entry.encode(summary.epochsMean, forKey: .epochsMean)
            try entry.encode(summary.seeds, forKey: .seeds)
        }
    }
}

extension ReplayError: InvalidInputError {}
extension ReplaySetup.UnknownWord: InvalidInputError {}
