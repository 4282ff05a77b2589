import Foundation
import NASCore
import NASNumerics

/// RNAS's ranker as the daemon's prior (`prior: {kind: rnas, veto_quantile: q}`; issue 9 §4).
///
/// A ranker's scores order networks; they are not accuracies. So the only veto rule is relative:
/// a candidate is vetoed when its score is below the q-quantile of the model's scores of the
/// networks it was fit on (the run's trained networks) — "predicted worse than a fraction q of what
/// was trained". `veto_below`, an absolute accuracy, is refused for this prior when the
/// configuration is read. The prediction recorded with each trial is the ranking score, so the
/// prior's Kendall τ (an order statistic) is meaningful and its values are comparable within one
/// model version only.
///
/// Models follow `ModelSchedule(burnIn: train_after, cadence: retrain_every)`; each is fit from
/// scratch on the schedule's examples (their final accuracies) with the seed `seed + version`, so a
/// resumed run fits the same models. Audited vetoes as Peephole's (`VetoAudit`).
///
/// With a transferred model (`prior.model`, an `RNASModelFile`) the gate judges from the first
/// candidate on: the schedule has no burn-in (model version 1 is due before anything is trained, as
/// for SRM's warm start), model versions fit on fewer than `train_after` networks are the file's
/// model itself — its ranker with the file's scores of its own training networks as the quantile's
/// reference —, and later ones fine-tune the file's ranker (never the previous version) on the
/// run's networks, their reference then being the run's trained networks as without a file.
/// (Peephole's `prior.model` starts at the first trained network instead.)
public struct RNASGate: CandidateGate {
    /// The q of `veto_quantile`, in [0, 1].
    public var quantile: Double
    /// Trained networks before the first fit.
    public var trainAfter: Int
    /// Trained networks between fits.
    public var retrainEvery: Int
    /// The fraction of would-be vetoes admitted anyway, in [0, 1].
    public var auditFraction: Double
    /// The ranker's settings.
    public var settings: RNASSettings
    /// The run's seed.
    public var seed: UInt64
    /// Threads for fitting (the models do not depend on it).
    public var parallelism: Parallelism
    /// A trained model to start from (`prior.model`), or nil.
    public var transferred: RNASGateModel?
    /// The input the run's networks take (`space.input`): a sequential network's FLOPs and
    /// parameter counts, in its feature tensor, depend on it.
    public var input: TensorShape

    /// Creates the gate; with a transferred model, its ranker's settings are used for every fit.
    public init(
        quantile: Double, trainAfter: Int, retrainEvery: Int, auditFraction: Double = 0.05,
        settings: RNASSettings = RNASSettings(), seed: UInt64 = 0, parallelism: Parallelism = .serial,
        transferred: RNASGateModel? = nil, input: TensorShape = .cifar
    ) {
        self.input = input
        self.quantile = min(max(quantile, 0), 1)
        self.trainAfter = max(2, trainAfter)
        self.retrainEvery = max(1, retrainEvery)
        self.auditFraction = min(max(auditFraction, 0), 1)
        self.settings = transferred?.ranker.settings ?? settings
        self.seed = seed
        self.parallelism = parallelism
        self.transferred = transferred
    }

    public var name: String { "rnas" }

    public var schedule: ModelSchedule? {
        ModelSchedule(burnIn: transferred == nil ? trainAfter : 0, cadence: retrainEvery)
    }

    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        let training = examples.filter { $0.finalValue?.isFinite ?? false }
        if let transferred, training.count < trainAfter { return transferred }
        let ranker = try RNASArchitecturePredictor(
            settings: settings, seed: seed, parallelism: parallelism, transferred: transferred?.ranker, input: input
        ).fit(training, version: version)
        guard let ranker = ranker as? RNASModel else { throw PredictorFitError("the ranker fit no RNAS model") }
        do {
            let scores = try ranker.makeScorer().scores(
                training.map { try RNASFeatureTensor.encode($0.candidate.network, input: input) })
            return RNASGateModel(ranker: ranker, trainedScores: scores.sorted())
        } catch {
            throw PredictorFitError("the trained networks cannot be scored: \(error)")
        }
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        do {
            return try JSONDecoder().decode(RNASGateModel.self, from: bytes)
        } catch {
            throw PredictorFitError("not an RNAS prior model: \(error)")
        }
    }

    public func evaluate(_ candidate: Candidate, model: (any PredictorModel)?) -> GateDecision {
        guard let model = (model as? RNASGateModel) ?? transferred,
            let score = try? model.score(candidate.network, input: input)
        else {
            return .admit()
        }
        guard score < model.threshold(quantile: quantile) else { return .admit(predicted: score) }
        return VetoAudit.isAudited(candidate, fraction: auditFraction)
            ? .audit(predicted: score) : .veto(predicted: score)
    }
}

/// A model of the RNAS prior: the ranker and its sorted scores of the networks it was fit on.
public struct RNASGateModel: PredictorModel, Codable, Equatable {
    /// The fitted ranker.
    public let ranker: RNASModel
    /// The ranker's scores of its training networks, ascending.
    public let trainedScores: [Double]
    /// The ranker loaded once, for every candidate the gate judges.
    private let inference = Inference()

    /// Creates a model.
    public init(ranker: RNASModel, trainedScores: [Double]) {
        self.ranker = ranker
        self.trainedScores = trainedScores.sorted()
    }

    private enum CodingKeys: String, CodingKey {
        case ranker
        case trainedScores
    }

    public static func == (lhs: RNASGateModel, rhs: RNASGateModel) -> Bool {
        lhs.ranker == rhs.ranker && lhs.trainedScores == rhs.trainedScores
    }

    /// The `q`-quantile of the trained networks' scores (linear interpolation, NumPy's default);
    /// −∞ without any.
    public func threshold(quantile q: Double) -> Double {
        guard !trainedScores.isEmpty else { return -.infinity }
        let position = min(max(q, 0), 1) * Double(trainedScores.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, trainedScores.count - 1)
        return trainedScores[lower] + (trainedScores[upper] - trainedScores[lower]) * (position - Double(lower))
    }

    /// The ranker's score of one network taking `input`.
    ///
    /// - Throws: `RNASError` when the network cannot be encoded as the model's tensors are.
    public func score(_ network: Network, input: TensorShape = .cifar) throws(RNASError) -> Double {
        try inference.score(network, ranker: ranker, input: input)
    }

    /// The scorer behind a lock: `@unchecked Sendable` because every use of `scorer` holds `lock`.
    private final class Inference: @unchecked Sendable {
        private let lock = NSLock()
        private var scorer: RNASScorer?

        func score(_ network: Network, ranker: RNASModel, input: TensorShape) throws(RNASError) -> Double {
            lock.lock()
            defer { lock.unlock() }
            if scorer == nil { scorer = try ranker.makeScorer() }
            guard let scorer else { return -.infinity }
            return try scorer.score(network, input: input)
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
