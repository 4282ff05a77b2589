import Foundation
import NASConfig
import NASCore
import NASNumerics
import NASProtocol
import NASSearch

/// Turns a run configuration into the objects that run its search: the space's sampler, the
/// strategy and the trainer description sent to workers.
public enum SearchSetup {
    /// A configuration the daemon cannot run (valid YAML, but not supported by this build).
    public struct Unsupported: Error, Hashable, Sendable, CustomStringConvertible {
        public var keyPath: String
        public var message: String
        public var description: String { "\(keyPath): \(message)" }
    }

    /// The sampler of the configured space, with its parameter / FLOP limits (sequential spaces;
    /// a cell space has its own vertex and edge limits).
    public static func makeSampler(for space: SearchSpaceConfiguration) throws -> any NetworkSampler {
        let constraints = ArchitectureConstraints(
            maxParameters: space.limits.maxParameters, maxMACs: space.limits.maxFLOPs)
        switch space.kind {
        case .metaQNN(let options):
            var configuration = MetaQNNSpace.Configuration()
            configuration.inputChannels = options.input.channels
            configuration.inputSize = min(options.input.height, options.input.width)
            configuration.classes = options.classes
            configuration.maxDepth = options.maxDepth
            configuration.filterCounts = options.filters
            configuration.kernelSizes = options.kernels
            configuration.convolutionStrides = options.strides
            configuration.poolings = options.pools.map { MetaQNNSpace.Pooling(kernel: $0.kernel, stride: $0.stride) }
            configuration.fullyConnectedSizes = options.fullyConnectedSizes
            configuration.maxConsecutiveFullyConnected = options.maxConsecutiveFullyConnected
            configuration.representationSizeBins = options.sizeBins
            configuration.constraints = constraints
            return try MetaQNNSpace(configuration: configuration)
        case .blocks(let options):
            var configuration = BlockSpace.Configuration()
            configuration.input = options.input
            configuration.classes = options.classes
            configuration.batchNormProbability = options.batchNormProbability
            configuration.maxBlockLayers = options.maxBlockLayers
            configuration.maxBlockConvolutions = options.maxBlockConvolutions
            configuration.kernelSizes = options.kernels
            configuration.channelRatios = options.channelRatios
            configuration.stageChannels = (0..<max(options.stages, 1)).map { 16 << $0 }
            configuration.copiesPerStage = 1...max(options.maxBlockCopies, 1)
            if let transition = options.transition {
                configuration.transitions = try transitionMatrix(transition)
            }
            configuration.constraints = constraints
            return try BlockSpace(configuration: configuration)
        case .cell(let options):
            var configuration = CellSpace.Configuration()
            configuration.maxVertices = options.maxNodes
            configuration.maxEdges = options.maxEdges
            configuration.operations = options.operations.map(cellOperation)
            return try CellSpace(configuration: configuration)
        case .nb201(let options):
            return try NASBench201Space(operations: options.operations)
        }
    }

    /// The configured strategy, fresh (a snapshot is restored on top of it when resuming).
    public static func makeStrategy(for configuration: RunConfiguration) throws -> any SearchStrategy {
        let sampler = try makeSampler(for: configuration.space)
        switch configuration.strategy {
        case .random:
            return RandomSearch(
                sampler: sampler, hyperparameters: configuration.training.hyperparameters,
                budget: configuration.training.epochs, seed: configuration.seed)
        case .evolution(let options):
            guard let space = sampler as? any MutableSpace else {
                throw Unsupported(
                    keyPath: "strategy.kind",
                    message: "evolution needs a space with mutations (metaqnn, cell or nb201); "
                        + "'\(configuration.space.kindName)' has none")
            }
            let transferred = try transferredModel(options, space: configuration.space)
            if let predictor = architecturePredictor(
                options.predictor, configuration: configuration, transferred: transferred)
            {
                guard let fixed = configuration.training.hyperparameters.fixedValues else {
                    throw Unsupported(
                        keyPath: "training.hyperparameters",
                        message: "predictor-driven evolution searches architectures only; give every hyperparameter "
                            + "one value, or use 'predictor: none' to search ranges")
                }
                return PredictorDrivenEvolution(
                    space: space,
                    settings: PredictorDrivenEvolution.Settings(
                        population: options.population, sampleSize: options.sampleSize, cycles: options.cycles,
                        warmup: options.predictorWarmup, generations: options.predictorGenerations,
                        trainTopK: options.trainTopK,
                        pool: PredictorDrivenEvolution.CandidatePool(rawValue: options.predictorPool.rawValue)
                            ?? .evolution),
                    predictor: predictor, hyperparameters: fixed,
                    budget: configuration.training.epochs, seed: configuration.seed, transferred: transferred)
            }
            return RegularizedEvolution(
                space: space,
                settings: RegularizedEvolution.Settings(
                    population: options.population, sampleSize: options.sampleSize, cycles: options.cycles),
                hyperparameters: configuration.training.hyperparameters, budget: configuration.training.epochs,
                seed: configuration.seed)
        case .metaQNN(let options):
            guard let space = sampler as? any SequentialDecisionSpace else {
                throw Unsupported(
                    keyPath: "strategy.kind",
                    message: "the metaqnn strategy needs a space built by a sequence of choices, "
                        + "not '\(configuration.space.kindName)'")
            }
            return erasedMetaQNN(space: space, options: options, configuration: configuration)
        case .hyperband(let options):
            return Hyperband(
                sampler: sampler, maxResource: options.maxResource, eta: options.eta, iterations: options.iterations,
                hyperparameters: configuration.training.hyperparameters, seed: configuration.seed)
        }
    }

    /// The fitness predictor of predictor-driven evolution (`strategy.predictor`), nil for plain
    /// evolution. Its fits run on the daemon's predictor queue (`Proposal.waitForModel`), with up to
    /// two threads; the models do not depend on the thread count. With a `transferred` model of the
    /// predictor's own (`strategy.predictor_model`: a `PeepholeModel` or an `RNASModel`) its fits
    /// fine-tune that model.
    public static func architecturePredictor(
        _ kind: EvolutionOptions.Predictor, configuration: RunConfiguration, transferred: (any PredictorModel)? = nil
    ) -> (any ArchitecturePredictor)? {
        let parallelism = Parallelism(threadCount: min(2, ProcessInfo.processInfo.activeProcessorCount))
        switch kind {
        case .none:
            return nil
        case .rnas:
            var settings = RNASSettings()
            var exploration = 0.0
            if case .evolution(let options) = configuration.strategy {
                settings.ensembleSize = options.predictorEnsemble
                exploration = options.predictorExploration
            }
            return RNASArchitecturePredictor(
                settings: settings, seed: configuration.seed, parallelism: parallelism,
                transferred: transferred as? RNASModel, input: configuration.training.input, exploration: exploration)
        case .peephole:
            return PeepholeArchitecturePredictor(
                input: configuration.space.input, epoch: configuration.training.epochs, seed: configuration.seed,
                parallelism: parallelism, transferred: transferred as? PeepholeModel)
        }
    }

    /// The model file of `strategy.predictor_model`, read and checked against `predictor:` and the
    /// run's `space` (an RNAS model ranks one kind of network); nil when none is given. The model
    /// is a `PeepholeModel` for `predictor: peephole`, the file's `RNASModel` for `predictor: rnas`.
    /// The path is read as it stands: the daemon and the configuration check resolve it against
    /// the configuration file's directory first (`resolvingPaths(of:base:)`), and a run reads its
    /// own copy (`DaemonCore`'s pinned model).
    ///
    /// - Throws: `Unsupported` at `strategy.predictor_model` for an unreadable file, a file that
    ///   is not a model, a model of another predictor than `predictor:`, or an RNAS model of
    ///   another kind of network than the space's.
    public static func transferredModel(_ options: EvolutionOptions, space: SearchSpaceConfiguration) throws
        -> (any PredictorModel)?
    {
        guard let path = options.predictorModel else { return nil }
        let keyPath = "strategy.predictor_model"
        let bytes = try readModelFile(path, keyPath: keyPath)
        switch options.predictor {
        case .none:
            throw Unsupported(keyPath: keyPath, message: "'predictor: none' has no fitness to start from")
        case .peephole:
            do {
                return try PeepholeModel(data: bytes)
            } catch {
                throw Unsupported(
                    keyPath: keyPath, message: "\(path): \(error)\(formatHint(bytes, predictor: "peephole"))")
            }
        case .rnas:
            let ranker = try rnasModel(bytes, path: path, keyPath: keyPath, space: space, predictor: "rnas").ranker
            if options.predictorExploration != 0, ranker.settings.ensembleSize < 2 {
                throw Unsupported(
                    keyPath: "strategy.predictor_exploration",
                    message: "exploration scores by the disagreement of an ensemble of rankers, and \(path) holds one "
                        + "ranker (train an ensemble with `nasd predict train --predictor rnas --ensemble 3`)")
            }
            return ranker
        }
    }

    /// The kind of network RNAS ranks in `space` (its feature tensor).
    public static func rnasNetworkKind(of space: SearchSpaceConfiguration) -> RNASNetworkKind {
        switch space.kind {
        case .metaQNN, .blocks: return .sequential
        case .cell: return .cell
        case .nb201: return .nb201
        }
    }

    /// The bytes of a model file, or `Unsupported` at `keyPath`.
    private static func readModelFile(_ path: String, keyPath: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Unsupported(keyPath: keyPath, message: "\(path) cannot be read: \(error.localizedDescription)")
        }
    }

    /// An RNAS model file's contents, checked against the run's space.
    ///
    /// - Throws: `Unsupported` at `keyPath`.
    private static func rnasModel(
        _ bytes: Data, path: String, keyPath: String, space: SearchSpaceConfiguration, predictor: String
    ) throws -> RNASModelFile {
        let file: RNASModelFile
        do {
            file = try RNASModelFile(data: bytes)
            try file.check(judging: rnasNetworkKind(of: space))
        } catch {
            throw Unsupported(keyPath: keyPath, message: "\(path): \(error)\(formatHint(bytes, predictor: predictor))")
        }
        return file
    }

    /// For a file written for another predictor (its own `format` names it), how to use it.
    private static func formatHint(_ bytes: Data, predictor: String) -> String {
        let format = (try? JSONSerialization.jsonObject(with: bytes) as? [String: Any])?["format"] as? String
        let owners = [PeepholeModelFile.formatName: "peephole", RNASModelFile.formatName: "rnas"]
        guard let format, let owner = owners[format], owner != predictor else { return "" }
        return " (a '\(format)' model is \(owner)'s: `nasd predict train --predictor \(predictor)` writes one for "
            + "\(predictor), or use it with \(owner))"
    }

    /// MetaQNN over the configured space, fresh.
    public static func makeMetaQNN<Space: SequentialDecisionSpace>(
        space: Space, options: MetaQNNStrategyOptions, configuration: RunConfiguration
    ) -> MetaQNN<Space> {
        MetaQNN(
            space: space, parameters: metaQNNParameters(options, prior: configuration.prior),
            hyperparameters: configuration.training.hyperparameters, budget: configuration.training.epochs,
            seed: configuration.seed)
    }

    private static func erasedMetaQNN<Space: SequentialDecisionSpace>(
        space: Space, options: MetaQNNStrategyOptions, configuration: RunConfiguration
    ) -> any SearchStrategy {
        makeMetaQNN(space: space, options: options, configuration: configuration)
    }

    /// The strategy's parameters from the `strategy:` options and the `prior:` section's
    /// `reward_vetoed`.
    public static func metaQNNParameters(_ options: MetaQNNStrategyOptions, prior: PriorConfiguration?)
        -> MetaQNNParameters
    {
        MetaQNNParameters(
            schedule: options.epsilonSchedule.map { EpsilonSchedule.Step(epsilon: $0.epsilon, models: $0.models) },
            update: QLearningUpdate(learningRate: options.learningRate, discount: options.discount),
            initialQ: options.initialQ, replayBatch: options.replayBatch,
            rewardsVetoed: prior?.rewardVetoed ?? false)
    }

    /// The run's pruner and gate: SRM early stopping for `early_stopping: {kind: srm}` —
    /// f-Hyperband's pruner when the strategy is Hyperband — and the Peephole or RNAS prior for
    /// `prior: {kind: peephole | rnas}`.
    ///
    /// A relative `early_stopping.warm_start` is resolved against the working directory here; the
    /// daemon and the configuration check pass a configuration resolved against its file's
    /// directory first (`resolvingPaths(of:base:)`).
    ///
    /// - Throws: `Unsupported`, `WarmStartError`.
    @Sendable
    public static func makePredictors(for configuration: RunConfiguration) throws -> RunPredictors {
        var predictors = RunPredictors()
        if let prior = configuration.prior {
            switch prior.kind {
            case .peephole:
                predictors.gate = try makePeepholeGate(prior, configuration: configuration)
            case .rnas:
                predictors.gate = try makeRNASGate(prior, configuration: configuration)
            }
        }
        guard let earlyStopping = configuration.earlyStopping else { return predictors }
        if case .hyperband = configuration.strategy {
            predictors.pruner = makeFastHyperbandPruner(
                earlyStopping, seed: configuration.seed, input: configuration.training.input)
            return predictors
        }
        let warmStart = try earlyStopping.warmStart.map { try WarmStart.examples(fromFile: $0) } ?? []
        predictors.pruner = makeSRMPruner(
            earlyStopping, seed: configuration.seed, input: configuration.training.input, warmStart: warmStart)
        return predictors
    }

    /// The SRM pruner of an `early_stopping:` section (its warm-start curves already read), for a
    /// run seeded with `seed` whose networks take `input`.
    public static func makeSRMPruner(
        _ earlyStopping: EarlyStoppingConfiguration, seed: UInt64, input: TensorShape,
        warmStart: [LearningCurveExample]
    ) -> SRMPruner {
        SRMPruner(
            rule: EarlyStoppingRule(
                confidence: earlyStopping.confidence, margin: earlyStopping.margin,
                compareToNth: earlyStopping.compareToNth),
            minimumEpochs: earlyStopping.minEpochs, burnIn: earlyStopping.burnIn, seed: seed, input: input,
            warmStart: warmStart)
    }

    /// f-Hyperband's pruner for an `early_stopping:` section of a Hyperband run seeded with `seed`
    /// whose networks take `input` (the daemon's and `nasd replay --strategy f-hyperband`'s).
    public static func makeFastHyperbandPruner(
        _ earlyStopping: EarlyStoppingConfiguration, seed: UInt64, input: TensorShape
    ) -> FastHyperbandPruner {
        FastHyperbandPruner(
            rule: FastHyperbandRule(
                confidence: earlyStopping.confidence, margin: earlyStopping.margin, kappa: earlyStopping.kappa,
                minimumCurves: earlyStopping.minCurves),
            minimumEpochs: earlyStopping.minEpochs, seed: seed, input: input)
    }

    /// The configuration with its relative file paths that predictors and strategies read
    /// (`early_stopping.warm_start`, `strategy.predictor_model`) made absolute against `base`, the configuration file's
    /// directory. The run keeps the configuration as written (its search identity); only the
    /// predictors see the resolved one.
    public static func resolvingPaths(of configuration: RunConfiguration, base: URL) -> RunConfiguration {
        var resolved = configuration
        if let path = configuration.earlyStopping?.warmStart {
            resolved.earlyStopping?.warmStart = absolutePath(path, base: base)
        }
        if case .evolution(var options) = configuration.strategy, let path = options.predictorModel {
            options.predictorModel = absolutePath(path, base: base)
            resolved.strategy = .evolution(options)
        }
        if let path = configuration.prior?.model {
            resolved.prior?.model = absolutePath(path, base: base)
        }
        return resolved
    }

    /// Peephole as the prior (docs/predictors.md), reading `prior.model` when given.
    public static func makePeepholeGate(
        _ prior: PriorConfiguration, configuration: RunConfiguration
    ) throws -> PeepholeGate {
        var transferred: PeepholeModel?
        if let path = prior.model {
            let bytes = try readModelFile(path, keyPath: "prior.model")
            do {
                transferred = try PeepholeModel(data: bytes)
            } catch {
                throw Unsupported(
                    keyPath: "prior.model", message: "\(path): \(error)\(formatHint(bytes, predictor: "peephole"))")
            }
        }
        let rule: PeepholeVetoRule
        switch prior.vetoRule {
        case .quantile(let q): rule = .quantile(q)
        case .below(let a): rule = .below(a)
        }
        return PeepholeGate(
            rule: rule, trainAfter: prior.trainAfter, retrainEvery: prior.retrainEvery,
            auditFraction: prior.auditFraction, input: configuration.space.input, seed: configuration.seed,
            parallelism: Parallelism(threadCount: min(2, ProcessInfo.processInfo.activeProcessorCount)),
            transferred: transferred)
    }

    /// RNAS's ranker as the prior (docs/rnas.md): `veto_quantile` only (the configuration refuses
    /// `veto_below`, an accuracy, for a ranker), reading `prior.model` (an `RNASModelFile` of the
    /// space's kind of network) when given.
    ///
    /// - Throws: `Unsupported` at `prior.model` or `prior.veto_below`.
    public static func makeRNASGate(_ prior: PriorConfiguration, configuration: RunConfiguration) throws -> RNASGate {
        let transferred = try prior.model.map { path in
            try rnasModel(
                try readModelFile(path, keyPath: "prior.model"), path: path, keyPath: "prior.model",
                space: configuration.space, predictor: "rnas"
            ).gateModel
        }
        guard case .quantile(let q) = prior.vetoRule else {
            throw Unsupported(keyPath: "prior.veto_below", message: "the RNAS prior's scores are not accuracies")
        }
        return RNASGate(
            quantile: q, trainAfter: prior.trainAfter, retrainEvery: prior.retrainEvery,
            auditFraction: prior.auditFraction, seed: configuration.seed,
            parallelism: Parallelism(threadCount: min(2, ProcessInfo.processInfo.activeProcessorCount)),
            transferred: transferred, input: configuration.training.input)
    }

    /// What workers are told to run for each trial.
    public static func trainerDescription(for trainer: TrainerConfiguration, baseDirectory: URL) -> TrainerDescription {
        switch trainer {
        case .surrogate(let delay):
            return .surrogate(epochDelay: delay.seconds)
        case .replay(let file):
            return .replay(path: absolutePath(file, base: baseDirectory))
        case .command(let command):
            return .command(
                argv: command.arguments, environment: command.environment,
                workingDirectory: command.workingDirectory.map { absolutePath($0, base: baseDirectory) })
        }
    }

    /// The block-space transition matrix from the configuration's rows (which have no "end"
    /// column): each row keeps the default matrix's probability of ending the block and shares the
    /// rest in the configured proportions.
    private static func transitionMatrix(
        _ transition: [BlockLayerType: [BlockLayerType: Double]]
    ) throws -> BlockTransitionMatrix {
        let kinds: [(BlockLayerType, BlockLayerKind)] = [
            (.conv, .convolution), (.maxpool, .maxPool), (.avgpool, .avgPool), (.relu, .relu),
            (.sigmoid, .sigmoid), (.tanh, .tanh),
        ]
        let defaults = BlockTransitionMatrix.default
        let rows = kinds.map { (type, kind) -> [Double] in
            let end = defaults.probability(from: kind, to: nil)
            guard let row = transition[type] else { return defaults.rows[kind.rawValue] }
            let total = row.values.reduce(0, +)
            let shares = kinds.map { total > 0 ? (row[$0.0] ?? 0) / total * (1 - end) : 0 }
            return shares + [total > 0 ? end : 1]
        }
        return try BlockTransitionMatrix(rows: rows)
    }

    /// The cell operation a configuration's `ops` entry names.
    private static func cellOperation(_ operation: NASConfig.CellOperation) -> NASCore.CellOperation {
        switch operation {
        case .conv3x3: return .conv3x3
        case .conv1x1: return .conv1x1
        case .maxpool3x3: return .maxPool3x3
        }
    }

    static func absolutePath(_ path: String, base: URL) -> String {
        path.hasPrefix("/") ? path : base.appendingPathComponent(path).standardizedFileURL.path
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// A run's predictors: the decision points of the daemon's one pruning mechanism.
public struct RunPredictors: Sendable {
    public var pruner: (any Pruner)?
    public var gate: (any CandidateGate)?

    public init(pruner: (any Pruner)? = nil, gate: (any CandidateGate)? = nil) {
        self.pruner = pruner
        self.gate = gate
    }
}
