import NASCore

/// A learned predictor that scores architectures before they are trained: the fitness of
/// predictor-driven evolution (`strategy.predictor: rnas | peephole`).
///
/// Its models are fit by `LearnedPredictor.fit` on examples whose curve's last value is the
/// network's reward; only the order of the scores matters (RNAS's are ranking scores, Peephole's
/// predicted accuracies).
public protocol ArchitecturePredictor: LearnedPredictor {
    /// A scoring function of `model` (one of this predictor's): higher is predicted better.
    ///
    /// The function may keep state (a scorer's buffers): use it on one thread.
    /// - Throws: `PredictorFitError` when the model is not this predictor's or cannot be loaded.
    func makeScore(_ model: any PredictorModel) throws(PredictorFitError) -> (Network) throws -> Double
}
