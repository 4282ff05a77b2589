import NASCore
import NASWorker

/// Collects the records a trainer reports and answers `.stop` from a chosen epoch on.
actor EpochCollector {
    private(set) var records: [EpochRecord] = []
    private let stopAtEpoch: Int?

    init(stopAtEpoch: Int? = nil) {
        self.stopAtEpoch = stopAtEpoch
    }

    func receive(_ record: EpochRecord) -> EpochDecision {
        records.append(record)
        if let stopAtEpoch, record.epoch >= stopAtEpoch { return .stop }
        return .continue
    }
}

/// Runs a trainer with a collector, returning both the outcome (or error) and what was reported.
func runTrainer(
    _ trainer: some Trainer, _ spec: TrialSpec, stopAtEpoch: Int? = nil
) async -> (Result<TrainingOutcome, TrainerError>, [EpochRecord]) {
    let collector = EpochCollector(stopAtEpoch: stopAtEpoch)
    let result: Result<TrainingOutcome, TrainerError>
    do {
        result = .success(try await trainer.train(spec) { await collector.receive($0) })
    } catch {
        result = .failure(error)
    }
    return (result, await collector.records)
}

/// A spec for `notation`, bracket or cell notation (`Network(notation:)`).
func makeSpec(
    _ notation: String, budget: Int = 10, startEpoch: Int = 0, seed: UInt64 = 7, hyper: [String: Double] = [:]
) throws -> TrialSpec {
    TrialSpec(
        trialID: "t-1", runName: "test", network: try Network(notation: notation), hyperparameters: hyper,
        seed: seed, epochBudget: budget, startEpoch: startEpoch, checkpointDirectory: "/tmp/nasd-unused")
}
