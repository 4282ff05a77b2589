import Foundation
import NASConfig
import NASStore

/// Every trial of a run as one CSV table (RFC 4180: comma-separated, CRLF line ends, fields with a
/// comma, quote or line break quoted): for spreadsheets and notebooks. Empty fields mean "none".
///
/// The store keeps one prediction per trial; it goes to the `prior_*` columns when a gate made it
/// before training (completed or vetoed trials) and to the `early_stopping_*` columns when the
/// pruner made it (trials stopped early). The `*_model` columns name the predictor's latest saved
/// model version in the store (the store does not record which version made each prediction).
public enum TrialTableExport {
    /// The header row's column names, in order.
    public static let columns = [
        "trial", "state", "notation", "canonical_notation", "phase", "source", "epoch_budget", "epochs_done",
        "attempts", "final_accuracy", "best_accuracy", "prior_predicted_accuracy", "prior_predicted_sigma",
        "prior_model", "early_stopping_predicted_accuracy", "early_stopping_predicted_sigma", "early_stopping_model",
        "final_phase_test_accuracy", "parameters", "flops", "reused_from", "worker", "failure_reason", "created_at",
        "started_at", "finished_at",
    ]

    /// The table: a header row, then one row per trial in proposal order.
    ///
    /// - Throws: `RunStoreError`, `DatabaseError`.
    public static func csv(of store: RunStore) throws -> String {
        let report = try RunReportData.load(from: store)
        let records = Dictionary(uniqueKeysWithValues: try store.trials().map { ($0.id.rawValue, $0) })
        let configuration = try store.run().flatMap { try? RunConfiguration(yaml: $0.configurationText, file: "run") }
        func model(_ name: String?) -> String {
            guard let name else { return "" }
            return report.modelVersions[name].map { "\(name) v\($0)" } ?? name
        }
        let priorModel = model(configuration?.prior?.kind.rawValue)
        let stoppingModel = model(configuration?.earlyStopping?.kind.rawValue)
        var lines = [columns.joined(separator: ",")]
        for trial in report.trials {
            let record = records[trial.id]
            let byPruner = trial.state == .stoppedEarly
            let prediction = (number(trial.predictedAccuracy), number(trial.predictedSigma))
            let hasPrediction = trial.predictedAccuracy != nil
            let fields: [String] = [
                "\(trial.id)", trial.state.rawValue, trial.notation, trial.canonicalNotation, trial.phase,
                record?.source ?? "", "\(trial.epochBudget)", "\(trial.epochsDone)", "\(record?.attempts ?? 0)",
                number(trial.finalAccuracy), number(trial.bestAccuracy),
                byPruner ? "" : prediction.0, byPruner ? "" : prediction.1,
                !byPruner && hasPrediction ? priorModel : "",
                byPruner ? prediction.0 : "", byPruner ? prediction.1 : "",
                byPruner && hasPrediction ? stoppingModel : "",
                number(trial.testAccuracy), trial.parameters.map(String.init) ?? "", trial.flops.map(String.init) ?? "",
                trial.reusedFrom.map(String.init) ?? "", record?.workerID ?? "", trial.failureReason ?? "",
                time(record?.createdAt), time(record?.startedAt), time(record?.finishedAt),
            ]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field, quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return "\(value)"
    }

    /// ISO 8601 in UTC, what spreadsheets parse.
    private static func time(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601) } ?? ""
    }
}
