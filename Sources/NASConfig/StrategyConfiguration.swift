/// The `strategy:` section: how candidates are proposed.
public enum StrategyConfiguration: Hashable, Sendable {
    /// `kind: random`: uniform sampling from the space; needs an `end:` criterion.
    case random
    /// `kind: metaqnn`: ε-greedy Q-learning with experience replay (Baker et al. 2017).
    case metaQNN(MetaQNNStrategyOptions)
    /// `kind: evolution`: regularised evolution, optionally driven by a predictor (RNAS).
    case evolution(EvolutionOptions)
    /// `kind: hyperband`: Hyperband's brackets of successive halving (Li et al. 2018).
    case hyperband(HyperbandOptions)

    /// The words `kind:` accepts.
    public static let kindNames = ["random", "metaqnn", "evolution", "hyperband"]

    /// The `kind:` word.
    public var kindName: String {
        switch self {
        case .random: return "random"
        case .metaQNN: return "metaqnn"
        case .evolution: return "evolution"
        case .hyperband: return "hyperband"
        }
    }

    /// The `diverged_restart` options of a strategy that has them (MetaQNN); nil when off.
    public var divergedRestart: DivergedRestartOptions? {
        if case .metaQNN(let options) = self { return options.divergedRestart }
        return nil
    }

    /// Whether the strategy ends the run by itself (an ε schedule, a number of cycles, Hyperband's
    /// brackets); a random search needs an `end:` criterion.
    public var hasNaturalEnd: Bool {
        if case .random = self { return false }
        return true
    }

    init(node: YAMLNode, path: String, decoder: ValueDecoder, trainingEpochs: Int) throws(ConfigError) {
        let kind = try decoder.sectionKind(node, path, among: Self.kindNames)
        let keys: [String]
        switch kind {
        case "metaqnn": keys = MetaQNNStrategyOptions.keys
        case "evolution": keys = EvolutionOptions.keys
        case "hyperband": keys = HyperbandOptions.keys
        default: keys = []
        }
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: ["kind"] + keys)
        switch kind {
        case "metaqnn": self = .metaQNN(try MetaQNNStrategyOptions(map: map))
        case "evolution": self = .evolution(try EvolutionOptions(map: map))
        case "hyperband": self = .hyperband(try HyperbandOptions(map: map, trainingEpochs: trainingEpochs))
        default: self = .random
        }
    }
}

/// One step of MetaQNN's ε schedule: train `models` unique models at exploration rate `epsilon`.
public struct EpsilonStep: Hashable, Sendable {
    /// ε: the probability of a uniformly random legal action.
    public var epsilon: Double
    /// How many unique models to train at this ε.
    public var models: Int

    /// Creates a step.
    public init(epsilon: Double, models: Int) {
        self.epsilon = epsilon
        self.models = models
    }
}

/// MetaQNN's Q-learning parameters (ALGORITHMS.md §1; defaults from the original code).
public struct MetaQNNStrategyOptions: Hashable, Sendable {
    /// The paper's schedule: 1,500 models at ε = 1.0, then 100 each at 0.9–0.7, 150 each at 0.6–0.1.
    public static let paperSchedule: [EpsilonStep] = [
        EpsilonStep(epsilon: 1.0, models: 1500), EpsilonStep(epsilon: 0.9, models: 100),
        EpsilonStep(epsilon: 0.8, models: 100), EpsilonStep(epsilon: 0.7, models: 100),
        EpsilonStep(epsilon: 0.6, models: 150), EpsilonStep(epsilon: 0.5, models: 150),
        EpsilonStep(epsilon: 0.4, models: 150), EpsilonStep(epsilon: 0.3, models: 150),
        EpsilonStep(epsilon: 0.2, models: 150), EpsilonStep(epsilon: 0.1, models: 150),
    ]

    /// `epsilon_schedule`: a list of `{epsilon, models}`. Default `paperSchedule`.
    public var epsilonSchedule: [EpsilonStep]
    /// `learning_rate`: α. Default 0.01.
    public var learningRate: Double
    /// `discount`: γ. Default 1.0.
    public var discount: Double
    /// `initial_q`: default 0.5.
    public var initialQ: Double
    /// `replay_batch`: trajectories replayed after each result. Default 128 (the paper says 100).
    public var replayBatch: Int
    /// `diverged_restart`: restart a trial that diverged after its first epoch with a smaller
    /// learning rate, as the original code did. Default nil (off).
    public var divergedRestart: DivergedRestartOptions?

    /// Creates the options; every argument defaults to the original code's value.
    public init(
        epsilonSchedule: [EpsilonStep] = MetaQNNStrategyOptions.paperSchedule, learningRate: Double = 0.01,
        discount: Double = 1.0, initialQ: Double = 0.5, replayBatch: Int = 128,
        divergedRestart: DivergedRestartOptions? = nil
    ) {
        self.epsilonSchedule = epsilonSchedule
        self.learningRate = learningRate
        self.discount = discount
        self.initialQ = initialQ
        self.replayBatch = replayBatch
        self.divergedRestart = divergedRestart
    }

    /// The number of unique models the schedule trains: the run's natural end.
    public var totalModels: Int { epsilonSchedule.reduce(0) { $0 + $1.models } }

    static let keys = [
        "epsilon_schedule", "learning_rate", "discount", "initial_q", "replay_batch", "diverged_restart",
    ]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = MetaQNNStrategyOptions()
        if let node = map.optional("epsilon_schedule") {
            let path = map.path("epsilon_schedule")
            var steps: [EpsilonStep] = []
            for (offset, item) in try map.decoder.list(node, path, of: "{epsilon, models} maps").enumerated() {
                let stepPath = "\(path)[\(offset)]"
                let step = try MapDecoder(item, path: stepPath, decoder: map.decoder, allowed: ["epsilon", "models"])
                steps.append(
                    EpsilonStep(
                        epsilon: try map.decoder.number(
                            try step.required("epsilon"), step.path("epsilon"),
                            .within(0...1)),
                        models: try map.decoder.integer(
                            try step.required("models"), step.path("models"),
                            .atLeast(1))))
            }
            epsilonSchedule = steps
        } else {
            epsilonSchedule = defaults.epsilonSchedule
        }
        learningRate = try map.number("learning_rate", default: defaults.learningRate, .aboveAndAtMost(0, 1))
        discount = try map.number("discount", default: defaults.discount, .within(0...1))
        initialQ = try map.number("initial_q", default: defaults.initialQ, .any)
        replayBatch = try map.integer("replay_batch", default: defaults.replayBatch, .atLeast(0))
        if let node = map.optional("diverged_restart") {
            divergedRestart = try DivergedRestartOptions(
                node: node, path: map.path("diverged_restart"), decoder: map.decoder)
        } else {
            divergedRestart = nil
        }
    }
}

/// Regularised evolution (Real et al. 2019), optionally with a predictor as fitness (RNAS,
/// ALGORITHMS.md §4).
public struct EvolutionOptions: Hashable, Sendable {
    /// Which predictor scores offspring before any is trained.
    public enum Predictor: String, Hashable, Sendable, CaseIterable {
        /// Train every offspring (plain regularised evolution).
        case none
        /// Peephole's accuracy predictor.
        case peephole
        /// RNAS's ranking predictor.
        case rnas
    }

    /// `population`: default 50.
    public var population: Int
    /// `sample_size`: tournament size. Default 10.
    public var sampleSize: Int
    /// `cycles`: trained offspring before the run ends. Default 1000.
    public var cycles: Int
    /// `predictor`: `none`, `peephole` or `rnas`. Default none.
    public var predictor: Predictor
    /// `predictor_generations`: generations evolved on predicted fitness alone between trainings.
    /// Default 100.
    public var predictorGenerations: Int
    /// `train_top_k`: how many of the best predicted individuals are trained after each
    /// predictor-driven search. Default 10.
    public var trainTopK: Int
    /// `predictor_warmup`: networks trained as plain regularised evolution would before the
    /// predictor is first fitted. Default `population`, or 0 with a `predictor_model`.
    public var predictorWarmup: Int
    /// `predictor_model`: a trained model file (`nasd predict train --out`) that is the fitness
    /// from the first predictor round until the run fits its own, and that the run's fits
    /// fine-tune; as written (a relative path is resolved against the configuration file's
    /// directory by the daemon). Needs a `predictor` other than `none`. Default none.
    public var predictorModel: String?

    /// Where each predictor round's candidates come from (`predictor_pool`).
    public enum CandidatePool: String, Hashable, Sendable, CaseIterable {
        /// Evolution on predicted fitness for `predictor_generations` × `population` cycles.
        case evolution
        /// `predictor_generations` × `population` mutations of the `population` best trained networks.
        case mutations
    }

    /// `predictor_pool`: `evolution` or `mutations`. Default evolution.
    public var predictorPool: CandidatePool
    /// `predictor_ensemble`: with `predictor: rnas`, rankers trained with different seeds whose
    /// standardized scores are averaged (`RNASSettings.ensembleSize`). Default 1, one ranker.
    public var predictorEnsemble: Int
    /// `predictor_exploration`: κ ≥ 0, with an ensemble of rankers: a candidate's score is the
    /// members' mean standardized score plus κ times their standard deviation, so candidates the
    /// members disagree on are tried sooner. Default 0, the mean alone.
    public var predictorExploration: Double

    /// Creates the options.
    public init(
        population: Int = 50, sampleSize: Int = 10, cycles: Int = 1000, predictor: Predictor = .none,
        predictorGenerations: Int = 100, trainTopK: Int = 10, predictorWarmup: Int? = nil,
        predictorPool: CandidatePool = .evolution, predictorModel: String? = nil, predictorEnsemble: Int = 1,
        predictorExploration: Double = 0
    ) {
        self.population = population
        self.sampleSize = sampleSize
        self.cycles = cycles
        self.predictor = predictor
        self.predictorGenerations = predictorGenerations
        self.trainTopK = trainTopK
        self.predictorWarmup = predictorWarmup ?? (predictorModel == nil ? population : 0)
        self.predictorPool = predictorPool
        self.predictorModel = predictorModel
        self.predictorEnsemble = predictorEnsemble
        self.predictorExploration = predictorExploration
    }

    static let keys = [
        "population", "sample_size", "cycles", "predictor", "predictor_generations", "train_top_k", "predictor_warmup",
        "predictor_pool", "predictor_model", "predictor_ensemble", "predictor_exploration",
    ]

    init(map: MapDecoder) throws(ConfigError) {
        let defaults = EvolutionOptions()
        population = try map.integer("population", default: defaults.population, .atLeast(2))
        sampleSize = try map.integer("sample_size", default: defaults.sampleSize, .within(1...population))
        cycles = try map.integer("cycles", default: defaults.cycles, .atLeast(1))
        if let node = map.optional("predictor") {
            let name = try map.decoder.choice(node, map.path("predictor"), among: Predictor.allCases.map(\.rawValue))
            predictor = Predictor(rawValue: name) ?? .none
        } else {
            predictor = defaults.predictor
        }
        predictorGenerations = try map.integer(
            "predictor_generations", default: defaults.predictorGenerations, .atLeast(1))
        trainTopK = try map.integer("train_top_k", default: defaults.trainTopK, .atLeast(1))
        predictorModel = try map.optional("predictor_model").map { node throws(ConfigError) in
            try map.decoder.string(node, map.path("predictor_model"))
        }
        if predictorModel != nil, predictor == .none {
            throw map.decoder.error(
                at: map.keyPosition("predictor_model") ?? map.node.position, map.path("predictor_model"),
                "a predictor model needs a predictor: plain evolution ('predictor: none') has no fitness to start from",
                hint: "add the predictor `nasd predict train` wrote the model for: 'predictor: peephole' or "
                    + "'predictor: rnas'")
        }
        // A transferred model can drive the first round at once: no warm-up is needed.
        predictorWarmup = try map.integer(
            "predictor_warmup", default: predictorModel == nil ? population : 0,
            .atLeast(predictorModel == nil ? 2 : 0))
        if let node = map.optional("predictor_pool") {
            let name = try map.decoder.choice(
                node, map.path("predictor_pool"), among: CandidatePool.allCases.map(\.rawValue))
            predictorPool = CandidatePool(rawValue: name) ?? .evolution
        } else {
            predictorPool = defaults.predictorPool
        }
        predictorEnsemble = try map.integer(
            "predictor_ensemble", default: defaults.predictorEnsemble, .within(1...100))
        if predictorEnsemble != defaults.predictorEnsemble, predictor != .rnas {
            throw map.decoder.error(
                at: map.keyPosition("predictor_ensemble") ?? map.node.position, map.path("predictor_ensemble"),
                "an ensemble of rankers needs 'predictor: rnas'",
                hint: "remove predictor_ensemble, or set 'predictor: rnas'")
        }
        if predictorEnsemble != defaults.predictorEnsemble, predictorModel != nil {
            throw map.decoder.error(
                at: map.keyPosition("predictor_ensemble") ?? map.node.position, map.path("predictor_ensemble"),
                "a run with a predictor_model fits with the model's own settings, its ensemble size included",
                hint: "remove predictor_ensemble; `nasd predict train --ensemble K` trains an ensemble model")
        }
        predictorExploration = try map.number(
            "predictor_exploration", default: defaults.predictorExploration, .atLeast(0))
        // A transferred model's ensemble size is checked when the model is read (`SearchSetup`).
        if predictorExploration != defaults.predictorExploration,
            predictor != .rnas || (predictorEnsemble < 2 && predictorModel == nil)
        {
            throw map.decoder.error(
                at: map.keyPosition("predictor_exploration") ?? map.node.position, map.path("predictor_exploration"),
                "exploration scores by the disagreement of an ensemble of rankers; this strategy has "
                    + (predictor == .rnas ? "one ranker" : "no RNAS ranker"),
                hint: predictor == .rnas
                    ? "add 'predictor_ensemble: 3' (or more), or remove predictor_exploration"
                    : "set 'predictor: rnas' and 'predictor_ensemble: 3', or remove predictor_exploration")
        }
    }
}

/// Hyperband (Li et al. 2018; ALGORITHMS.md §2): brackets of successive halving.
public struct HyperbandOptions: Hashable, Sendable {
    /// `max_resource`: R, in epochs. Default `training.epochs`.
    public var maxResource: Int
    /// `eta`: η, the halving rate. Default 3.
    public var eta: Int
    /// `iterations`: how many times the whole set of brackets runs before the run ends. Default 1.
    public var iterations: Int

    /// Creates the options.
    public init(maxResource: Int, eta: Int = 3, iterations: Int = 1) {
        self.maxResource = maxResource
        self.eta = eta
        self.iterations = iterations
    }

    static let keys = ["max_resource", "eta", "iterations"]

    init(map: MapDecoder, trainingEpochs: Int) throws(ConfigError) {
        maxResource = try map.integer("max_resource", default: trainingEpochs, .atLeast(1))
        eta = try map.integer("eta", default: 3, .atLeast(2))
        iterations = try map.integer("iterations", default: 1, .atLeast(1))
    }
}
