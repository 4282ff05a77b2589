import Foundation
import NASNumerics

/// What the Peephole prior and Peephole-driven evolution share as `LearnedPredictor`s: fitting
/// model version k and reading a stored model back, with their errors as `PredictorFitError`.
extension PeepholeTrainer {
    /// Fits model `version` on `training`: seeded by the run's seed and the version only, so a
    /// resumed run fits the very same model; fine-tuned from `transferred` when there is one.
    static func fitVersion(
        _ version: Int, on training: [PeepholeExample], settings: PeepholeSettings, seed: UInt64,
        parallelism: Parallelism, transferred: PeepholeModel?
    ) throws(PredictorFitError) -> PeepholeModel {
        let versionSeed = seed &+ UInt64(truncatingIfNeeded: version) &* 0x9E37_79B9_7F4A_7C15
        do {
            return try PeepholeTrainer(settings: settings, seed: versionSeed, parallelism: parallelism)
                .fit(training, startingFrom: transferred?.file)
        } catch {
            throw PredictorFitError(error.description)
        }
    }
}

extension PeepholeModel {
    /// A stored model, read back for a `LearnedPredictor`.
    static func decodeStored(_ bytes: Data) throws(PredictorFitError) -> PeepholeModel {
        do {
            return try PeepholeModel(data: bytes)
        } catch {
            throw PredictorFitError(error.description)
        }
    }
}
