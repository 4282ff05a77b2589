import Foundation
import NASConfig
import NASStore

/// Every trial of a run as one CSV table (RFC 4180: comma-separated, CRLF line ends, fields with a
/// comma, quote or line break quoted): for spreadsheets and notebooks. Empty fields mean "none".
///
/// A trial carries up to two predictions, stored apart: the prior's, made before dispatch from the
/// architecture (vetoed or not), and the stop rule's, made when it stopped the trial early. Each
/// comes with the predictor's kind (from the run's configuration) and the version of the model that
/// made it, when the predictor keeps versioned models.
///
/// Final-phase trials (`final:`) are rows of their own: `phase` is `final`, `final_of` the search
/// trial whose network they retrain, `final_seed` their seed's number, and
/// `final_phase_test_accuracy` the test accuracy their trainer reported.
public enum TrialTableExport {
    /// The header row's column names, in order.
    public static let columns = [
        "trial", "state", "notation", "canonical_notation", "phase", "source", "epoch_budget", "epochs_done",
        "attempts", "final_accuracy", "best_accuracy", "prior_predictor", "prior_model_version",
        "prior_predicted_accuracy", "prior_predicted_sigma", "early_stopping_predictor",
        "early_stopping_model_version", "early_stopping_predicted_accuracy", "early_stopping_predicted_sigma",
        "stopped_at_epoch", "final_phase_test_accuracy", "parameters", "flops", "reused_from", "worker",
        "failure_reason", "created_at", "started_at", "finished_at", "final_of", "final_seed",
    ]

    /// The table: a header row, then one row per trial in proposal order.
    ///
    /// - Throws: `RunStoreError`, `DatabaseError`.
    public static func csv(of store: RunStore) throws -> String {
        let report = try RunReportData.load(from: store)
        let records = Dictionary(uniqueKeysWithValues: try store.trials().map { ($0.id.rawValue, $0) })
        var lines = [columns.joined(separator: ",")]
        for trial in report.trials {
            let record = records[trial.id]
            let prior = predictionFields(trial.priorPrediction, predictor: report.priorName ?? "prior")
            let stop = predictionFields(trial.stopPrediction, predictor: report.stopRuleName ?? "stop rule")
            let fields: [String] =
                [
                    "\(trial.id)", trial.state.rawValue, trial.notation, trial.canonicalNotation, trial.phase,
                    record?.source ?? "", "\(trial.epochBudget)", "\(trial.epochsDone)", "\(record?.attempts ?? 0)",
                    number(trial.finalAccuracy), number(trial.bestAccuracy),
                ] + prior + stop + [
                    trial.stoppedAtEpoch.map(String.init) ?? "", number(trial.testAccuracy),
                    trial.parameters.map(String.init) ?? "", trial.flops.map(String.init) ?? "",
                    trial.reusedFrom.map(String.init) ?? "", record?.workerID ?? "", trial.failureReason ?? "",
                    time(record?.createdAt), time(record?.startedAt), time(record?.finishedAt),
                    record?.finalOf.map { String($0.rawValue) } ?? "", record?.finalSeed.map(String.init) ?? "",
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

    /// predictor, model version, accuracy, σ — all empty without a prediction.
    private static func predictionFields(_ prediction: Prediction?, predictor: String) -> [String] {
        guard let prediction else { return ["", "", "", ""] }
        return [
            predictor, prediction.modelVersion.map(String.init) ?? "", number(prediction.accuracy),
            number(prediction.sigma),
        ]
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
