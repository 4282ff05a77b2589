import Foundation
import NASCore

/// One fully trained curve a predictor learns from.
public struct PredictorExample: Hashable, Sendable, Codable {
    /// What was trained.
    public var candidate: Candidate
    /// Its whole validation curve, with the epoch of each value (a trainer may report every k-th
    /// epoch: the values are then at epochs k, 2k, …).
    public var curve: CurvePrefix

    /// Creates an example from a curve with its epochs.
    public init(candidate: Candidate, curve: CurvePrefix) {
        self.candidate = candidate
        self.curve = curve
    }

    /// Creates an example from a curve reported every epoch (values at epochs 1…n).
    public init(candidate: Candidate, curve: [Double]) {
        self.init(candidate: candidate, curve: CurvePrefix(values: curve))
    }

    /// The last value of the curve: the accuracy the example was trained to.
    public var finalValue: Double? { curve.values.last }
}

/// A fitted model, as the predictor that fit it understands it.
///
/// Models are values: fit off the commit thread, handed to the commit thread, encoded into the
/// run store (`predictor_models`) under their version, and decoded again after a restart.
public protocol PredictorModel: Sendable {
    /// The model's bytes, for the run store.
    func encoded() throws -> Data
}

/// When a predictor's models are fit, and on which examples: the model-version rule.
///
/// Model version k (k ≥ 1) is fit on exactly the first `exampleCount(ofVersion: k)` examples in
/// the order their trials completed: `burnIn` for version 1, then `cadence` more for each later
/// version. A decision made when n examples exist uses version `version(afterExamples: n)` (0:
/// none yet, the burn-in), whenever that fit finishes — if it has not, the decision waits for it
/// while the trial trains on. So which model makes a decision depends only on the order of
/// completions, never on how long a fit took, and a run with one worker decides the same way
/// whether or not the daemon was killed and however slow its fits are.
public struct ModelSchedule: Hashable, Sendable, Codable {
    /// Examples before the first model.
    public var burnIn: Int
    /// Examples between one model and the next.
    public var cadence: Int

    /// Creates a schedule (`burnIn` at least 0, `cadence` at least 1).
    ///
    /// A burn-in of 0 makes version 1 due before the run has completed anything: a predictor that
    /// brings its own examples (SRM's warm start) fits it at the run's first batch.
    public init(burnIn: Int, cadence: Int) {
        self.burnIn = max(0, burnIn)
        self.cadence = max(1, cadence)
    }

    /// The model version in force once `count` examples exist (0 before the burn-in ends).
    public func version(afterExamples count: Int) -> Int {
        count < burnIn ? 0 : 1 + (count - burnIn) / cadence
    }

    /// How many examples model `version` (≥ 1) is fit on.
    public func exampleCount(ofVersion version: Int) -> Int {
        burnIn + (version - 1) * cadence
    }
}

/// Why a fit failed.
public struct PredictorFitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What the stop rule and the prior have in common: a schedule of models fit off the commit
/// thread from the run's completed curves.
public protocol LearnedPredictor: Sendable {
    /// The predictor's name in the run store and in logs (`srm`, `peephole`, …).
    var name: String { get }

    /// When models are fit; nil for a predictor that needs none (a fixed rule).
    var schedule: ModelSchedule? { get }

    /// Fits model `version` on `examples` (exactly the schedule's count, in completion order).
    ///
    /// Runs on the daemon's predictor executor, never on its commit thread: it may take seconds.
    /// It must be pure and deterministic: the same examples and version give the same model.
    func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel

    /// Decodes a model produced by `fit` from the bytes `encoded()` gave.
    func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel
}

extension LearnedPredictor {
    /// A fixed rule fits nothing.
    public var schedule: ModelSchedule? { nil }

    public func fit(_ examples: [PredictorExample], version: Int) throws(PredictorFitError) -> any PredictorModel {
        throw PredictorFitError("\(name) has no model to fit")
    }

    public func decodeModel(_ bytes: Data) throws(PredictorFitError) -> any PredictorModel {
        throw PredictorFitError("\(name) has no model to decode")
    }
}
