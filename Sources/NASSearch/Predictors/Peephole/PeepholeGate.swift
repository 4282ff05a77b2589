import Foundation
import NASCore
import NASNumerics

/// Peephole as the daemon's prior (issue 9 §4): fit on the run's trained networks, judging each
/// new candidate from its architecture alone before a GPU-second is spent on it.
///
/// Models follow `ModelSchedule(burnIn: train_after, cadence: retrain_every)`; each is trained
/// from scratch on the schedule's examples with a seed derived from the run's seed and the model
/// version, so a resumed run fits the same models. With a transferred model (`prior.model`) the
/// schedule starts at the first trained network: model versions fit on fewer than `train_after`
/// examples are the transferred model itself, later ones fine-tune it on the run's networks.
///
/// A would-be veto is admitted anyway (an *audited* veto, `GateDecision.audit`) when the
/// candidate's audit draw (`VetoAudit`) falls below `auditFraction`.
public struct PeepholeGate: CandidateGate {
    /// The veto rule.
    public var rule: PeepholeVetoRule
    /// Trained networks before the first fit.
    public var trainAfter: Int
    /// Trained networks between fits.
    public var retrainEvery: Int
    /// The fraction of would-be vetoes admitted anyway, in [0, 1].
    public var auditFraction: Double
    /// The input shape of the run's networks (channel ratios depend on it).
    public var input: TensorShape
    /// Sizes and recipe of the models this gate fits.
    public var settings: PeepholeSettings
    /// The run's seed.
    public var seed: UInt64
    /// Threads for fitting (the models do not depend on it).
    public var parallelism: Parallelism
    /// A trained model to start from (`prior.model`), or nil.
    public var transferred: PeepholeModel?

    /// Creates the gate; with a transferred model, its settings are used for every refit.
    public init(
        rule: PeepholeVetoRule, trainAfter: Int, retrainEvery: Int, auditFraction: Double = 0.05,
        input: TensorShape = .cifar, settings: PeepholeSettings = PeepholeSettings(), seed: UInt64 = 0,
        parallelism: Parallelism = .serial, transferred: PeepholeModel? = nil
    ) {
        self.rule = rule
        self.trainAfter = max(1, trainAfter)
        self.retrainEvery = max(1, retrainEvery)
        self.auditFraction = min(max(auditFraction, 0), 1)
        self.input = input
        self.settings = transferred?.file.settings ?? settings
        self.seed = seed
        self.parallelism = parallelism
        self.transferred = transferred
    }

    public var name: String { "peephole" }

    public var schedule: ModelSchedule? {
        ModelSchedule(burnIn: transferred == nil ? trainAfter : 1, cadence: retrainEvery)
    }

    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        if let transferred, examples.count < trainAfter { return transferred }
        var training: [PeepholeExample] = []
        for example in examples {
            guard let accuracy = example.finalValue, accuracy.isFinite,
                let coded = try? PeepholeExample(
                    network: example.candidate.network, input: input, epoch: example.curve.lastEpoch, accuracy: accuracy
                )
            else { continue }
            training.append(coded)
        }
        return try PeepholeTrainer.fitVersion(
            version, on: training, settings: settings, seed: seed, parallelism: parallelism, transferred: transferred)
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        try PeepholeModel.decodeStored(bytes)
    }

    public func evaluate(_ candidate: Candidate, model: (any PredictorModel)?) -> GateDecision {
        guard let model = (model as? PeepholeModel) ?? transferred,
            let predicted = try? model.predict(candidate.network, input: input, epoch: candidate.budget)
        else { return .admit() }
        guard isVetoed(predicted: predicted, by: model) else { return .admit(predicted: predicted) }
        return isAudited(candidate) ? .audit(predicted: predicted) : .veto(predicted: predicted)
    }

    /// Whether `predicted` falls below the rule's threshold for `model` (true also for an audited
    /// veto).
    public func isVetoed(predicted: Double, by model: PeepholeModel) -> Bool {
        predicted < rule.threshold(for: model)
    }

    /// Whether a would-be veto of `candidate` is trained anyway (`VetoAudit`).
    public func isAudited(_ candidate: Candidate) -> Bool {
        VetoAudit.isAudited(candidate, fraction: auditFraction)
    }
}
