import Foundation
import NASDaemon
import NASSearch

/// `nasd import metaqnn-replay FILE --config CONFIG [--state-dir DIR] [--restart]`.
enum ImportCommand {
    static var all: [CommandSpec] { [metaQNNReplay] }

    static let metaQNNReplay = CommandSpec(
        ["import", "metaqnn-replay"],
        summary: "Create a MetaQNN run warm-started from an original run's replay database.",
        positionals: ["FILE"],
        options: [
            .value("config", "CONFIG", "The run's configuration (strategy: {kind: metaqnn}, a metaqnn space)."),
            .value("state-dir", "DIR", "State directory (default $NASD_STATE_DIR, else ./runs)."),
            .flag("restart", "Archive an existing run of that name and import afresh."),
        ],
        discussion: """
            FILE is a replay_database.csv of bowenbaker/metaqnn. Its rows join the replay memory in order, each \
            followed by a replay batch; rows whose network is not legal in the configured space are skipped, rows \
            whose accuracy is not in [0, 1] are rejected. The ε schedule resumes where the log left off. With a \
            q_values.csv beside FILE, the imported Q-table is compared with it. Continue with 'nasd run CONFIG' \
            or 'nasd serve'. See docs/metaqnn-import.md.
            """
    ) { arguments in
        guard let config = arguments.value("config") else { throw MissingConfigOption() }
        let report = try MetaQNNReplayImport.run(
            replayFile: arguments.positionals[0], configFile: config,
            stateDirectory: StateDirectoryLayout.resolve(
                option: arguments.value("state-dir"), environment: ProcessInfo.processInfo.environment),
            restart: arguments.has("restart"), now: Date())
        for line in lines(of: report) { writeStandardOutput(line) }
        return ExitStatus.success
    }

    static func lines(of report: MetaQNNReplayImport.Report) -> [String] {
        let summary = report.summary
        var lines = [
            "run '\(report.runName)' created in \(report.directory.path)"
                + (report.archivedTo.map { " (the earlier run archived in \($0.path))" } ?? ""),
            "rows: \(report.rows) (\(report.rejected.count) rejected, \(summary.skipped.count) not in the space, "
                + "\(summary.imported) imported)",
            "unique networks: \(summary.uniqueNetworks)",
            "never learned (accuracy \(WarmStartSummary.chanceAccuracy)): \(summary.neverLearned) rows",
            "log: last ε \(summary.lastEpsilon.map { "\($0)" } ?? "-") with \(summary.uniqueAtLastEpsilon) unique networks",
            "ε position: "
                + (report.epsilon.map { epsilon in
                    "ε=\(epsilon), " + (report.stepProgress.map { "\($0.counted)/\($0.models) models" } ?? "")
                } ?? "schedule done"),
        ]
        for rejected in report.rejected.prefix(3) {
            lines.append("  rejected line \(rejected.line): \(rejected.reason)")
        }
        for skipped in summary.skipped.prefix(3) { lines.append("  skipped line \(skipped.line): \(skipped.reason)") }
        if let comparison = report.comparison {
            lines.append(
                "q_values.csv: \(comparison.sharedPairs) shared (state, action) pairs, mean |ΔQ| "
                    + String(format: "%.4f", comparison.meanAbsoluteDifference) + ", max "
                    + String(format: "%.4f", comparison.maxAbsoluteDifference) + ", correlation "
                    + String(format: "%.3f", comparison.correlation) + "; same greedy action in "
                    + "\(comparison.agreeingGreedyStates) of \(comparison.comparableStates) states")
            if let ours = comparison.importedGreedy {
                lines.append("  greedy (imported): \(ours.network)  Q=" + String(format: "%.4f", ours.value))
            }
            lines.append(
                "  greedy (original): "
                    + (comparison.originalGreedy.map { "\($0.network)  Q=" + String(format: "%.4f", $0.value) }
                        ?? "leaves the configured space"))
        } else if let problem = report.comparisonProblem {
            lines.append("q_values.csv not compared: \(problem)")
        }
        return lines
    }
}

/// `--config` is required.
struct MissingConfigOption: InvalidInputError, CustomStringConvertible {
    var description: String { "missing --config CONFIG" }
}

extension MetaQNNImportError: InvalidInputError {}
