import Foundation
import NASSearch
import NASStore

/// Which of a run's two predictors a model belongs to.
public enum PredictorRole: String, Sendable, Hashable {
    /// The early-stopping rule every epoch report passes (`early_stopping:`).
    case stopRule = "stop_rule"
    /// The pre-dispatch prior (`prior:`).
    case prior
    /// The strategy's own predictor (predictor-driven evolution's fitness), fit when the strategy
    /// asks (`Proposal.waitForModel`).
    case strategy
}

/// A fit to run off the commit thread — with, for a strategy, its work with the model
/// (`StrategyModelRequest.prepare`); `run()` gives the event that brings both back.
public struct FitJob: Sendable {
    /// Where the model comes from.
    enum Source: Sendable {
        /// Fit on these examples.
        case fit([PredictorExample])
        /// Decode a model the run stored (after a restart); fit on the examples when the bytes
        /// cannot be decoded.
        case stored(Data, orFit: [PredictorExample])
        /// No model: a strategy decision that needs none.
        case none

        /// Fit on `examples`, or decode `stored` (fitting when it cannot be decoded); none
        /// without examples.
        init(examples: [PredictorExample]?, stored: Data?) {
            switch (examples, stored) {
            case (nil, _): self = .none
            case (let examples?, nil): self = .fit(examples)
            case (let examples?, let bytes?): self = .stored(bytes, orFit: examples)
            }
        }
    }

    /// The run the model is for.
    public let runName: String
    /// Which predictor.
    public let role: PredictorRole
    /// The model version (the model-version rule names its examples).
    public let version: Int
    let predictor: any LearnedPredictor
    let source: Source
    /// The strategy's work with the model, run after it (nil for the stop rule and the prior).
    let prepare: (@Sendable ((any PredictorModel)?) -> StrategyPreparation)?

    /// A stop rule's or a prior's fit on `examples` (or the decoding of `stored`, the model the
    /// run stored under the version).
    init(
        runName: String, role: PredictorRole, version: Int, predictor: any LearnedPredictor,
        examples: [PredictorExample], stored: Data? = nil
    ) {
        self.runName = runName
        self.role = role
        self.version = version
        self.predictor = predictor
        self.source = Source(examples: examples, stored: stored)
        self.prepare = nil
    }

    /// A strategy's request: its fit (or the decoding of `stored`, the model the run stored under
    /// the version), then its preparation.
    init(runName: String, strategyRequest request: StrategyModelRequest, stored: Data?) {
        self.runName = runName
        self.role = .strategy
        self.version = request.version
        self.predictor = request.predictor
        self.source = Source(examples: request.examples, stored: stored)
        self.prepare = request.prepare
    }

    /// Fits or decodes the model, prepares with it (slow: call it on the predictor executor) and
    /// returns the event to post.
    public func run() -> DaemonEvent {
        var result: Result<FittedModel.Model, PredictorFitError>?
        var undecodable: String?
        switch source {
        case .none:
            result = nil
        case .fit(let examples):
            result = fit(examples)
        case .stored(let bytes, let examples):
            do {
                result = .success(
                    FittedModel.Model(model: try predictor.decodeModel(bytes), bytes: bytes, isStored: true))
            } catch {
                undecodable = "\(error)"
                result = fit(examples)
            }
        }
        let model: (any PredictorModel)? = if case .success(let fitted)? = result { fitted.model } else { nil }
        return .modelFitted(
            FittedModel(
                runName: runName, role: role, predictorName: predictor.name, version: version, result: result,
                undecodableStoredModel: undecodable, preparation: prepare?(model)))
    }

    private func fit(_ examples: [PredictorExample]) -> Result<FittedModel.Model, PredictorFitError> {
        do {
            let model = try predictor.fit(examples, version: version)
            let bytes: Data
            do {
                bytes = try model.encoded()
            } catch {
                throw PredictorFitError("cannot encode the model: \(error)")
            }
            return .success(FittedModel.Model(model: model, bytes: bytes, isStored: false))
        } catch let error as PredictorFitError {
            return .failure(error)
        } catch {
            return .failure(PredictorFitError("\(error)"))
        }
    }
}

/// A fit's result, posted back to the event loop.
public struct FittedModel: Sendable {
    /// A model with its bytes (encoded off the commit thread too).
    public struct Model: Sendable {
        let model: any PredictorModel
        let bytes: Data
        /// Decoded from the run store (nothing to save).
        let isStored: Bool
    }

    public let runName: String
    public let role: PredictorRole
    /// The predictor's name (`LearnedPredictor.name`).
    public let predictorName: String
    public let version: Int
    /// The model, or why it could not be fit; nil when the job needed none (`FitJob.Source.none`).
    public let result: Result<Model, PredictorFitError>?
    /// Why the stored model could not be decoded (the model was fit again), if it could not.
    public let undecodableStoredModel: String?
    /// The strategy's preparation with the model, for a strategy's job.
    public let preparation: StrategyPreparation?
}

/// The daemon's side of one learned predictor of one run: its examples (every completed curve,
/// in completion order), the models fit so far by version, the fits in flight, and the decisions
/// waiting for a model.
///
/// Everything here is rebuilt from the run store after a restart: the examples are the completed
/// trials (`RunStore.completions()`, each curve cut where it completed), the models are in `predictor_models` under
/// `storeName` and their version, so a kill -9 during burn-in or during a fit loses nothing.
final class PredictorHost {
    let role: PredictorRole
    let predictor: any LearnedPredictor
    /// Examples in completion order.
    var examples: [PredictorExample] = []
    /// Fitted models by version.
    var models: [Int: any PredictorModel] = [:]
    /// Versions whose fit has been handed to the executor and not come back.
    var fitsInFlight: Set<Int> = []
    /// Versions whose fit failed: decisions that need them are made without a model (proceed / admit).
    var failedVersions: Set<Int> = []

    init(role: PredictorRole, predictor: any LearnedPredictor) {
        self.role = role
        self.predictor = predictor
    }

    /// The name models are stored under (`stop_rule/srm`).
    var storeName: String { Self.storeName(role: role, predictor: predictor.name) }

    /// The name a role's models are stored under in `predictor_models` (`strategy/rnas`).
    static func storeName(role: PredictorRole, predictor: String) -> String { "\(role.rawValue)/\(predictor)" }

    /// The model version a decision made now uses (0: none, the burn-in; also 0 without a schedule).
    var versionInForce: Int { predictor.schedule?.version(afterExamples: examples.count) ?? 0 }

    /// The fits to start: for the version in force and for every version in `awaited` (the
    /// versions decisions wait for: two completions in one batch can bring version v + 1 into
    /// force while a decision made between them waits for v), each when it is neither fit, failed
    /// nor in flight; oldest first. A version `stored` has bytes for (after a restart) is decoded
    /// by its job instead of fit.
    func missingFits(runName: String, awaited: Set<Int>, stored: (Int) -> Data? = { _ in nil }) -> [FitJob] {
        guard let schedule = predictor.schedule else { return [] }
        let versions = awaited.union([versionInForce]).filter {
            $0 >= 1 && models[$0] == nil && !failedVersions.contains($0) && !fitsInFlight.contains($0)
        }
        return versions.sorted().map { version in
            fitsInFlight.insert(version)
            return FitJob(
                runName: runName, role: role, version: version, predictor: predictor,
                examples: Array(examples.prefix(schedule.exampleCount(ofVersion: version))),
                stored: stored(version))
        }
    }
}
