import Foundation
import NASConfig
import NASCore
import NASStore
import NASWorker

/// A run's trained curves as curves-file records (docs/curves-format.md), for predictors and for
/// replaying a search with the replay trainer.
public enum RunExport {
    /// One record per trained trial with at least one epoch: completed trials as complete curves,
    /// trials stopped early, failed or cancelled as incomplete ones; a `test_accuracy` metric of the
    /// last epoch (the replay trainer's) becomes the record's `test_accuracy`. Reuses and vetoes (nothing
    /// trained) are left out.
    public static func curveRecords(of store: RunStore) throws -> [CurveRecord] {
        let input =
            try store.run().flatMap { record in
                try? RunConfiguration(yaml: record.configurationText, file: "run").training.input
            } ?? .cifar
        var records: [CurveRecord] = []
        for trial in try store.trials() where trial.reusedFrom == nil {
            let epochs = try store.epochs(of: trial.id)
            guard !epochs.isEmpty, let network = try? Network(notation: trial.proposedNotation) else { continue }
            let curveNetwork: CurveNetwork
            var analysis: ArchitectureAnalysis?
            switch network {
            case .sequential(let architecture):
                curveNetwork = .notation(architecture)
                analysis = try? architecture.analyze(input: input)
            case .cell(let cell):
                curveNetwork = .cell(RecordedCell(cell))
            case .nb201(let cell):
                curveNetwork = .nb201(cell)
            }
            records.append(
                CurveRecord(
                    network: curveNetwork, curve: epochs.map(\.validationAccuracy),
                    epochs: epochs.map(\.epoch), budget: trial.epochBudget, isComplete: trial.state == .completed,
                    hyperparameters: trial.hyperparameters, input: input, parameters: analysis?.parameters,
                    flops: analysis?.macs, id: String(trial.id.rawValue),
                    testAccuracy: epochs.last?.metrics[ReplayTrainer.testAccuracyMetric]))
        }
        return records
    }
}
