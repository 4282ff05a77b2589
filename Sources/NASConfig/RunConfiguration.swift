import NASCore

/// A run's configuration, decoded from the YAML subset: what to search, how, with which trainer,
/// and when to stop. See docs/config.md for every key, its type and its default.
///
/// Decoding is pure: the caller reads the file and passes its text and name.
///
/// ```swift
/// let configuration = try RunConfiguration(yaml: text, file: "configs/demo.yaml")
/// ```
public struct RunConfiguration: Hashable, Sendable {
    /// `name` (required): the run's identity and its directory in the state directory; letters,
    /// digits, `.`, `_` and `-`, not starting with `.`, at most 100 characters.
    public var name: String
    /// `description`: free text shown in status; default empty.
    public var description: String
    /// `seed`: the run's seed (strategy and per-trial seeds derive from it). Default 0.
    public var seed: UInt64
    /// `space` (required).
    public var space: SearchSpaceConfiguration
    /// `strategy` (required).
    public var strategy: StrategyConfiguration
    /// `training` (required, for `epochs`).
    public var training: TrainingConfiguration
    /// `trainer` (required).
    public var trainer: TrainerConfiguration
    /// `end`: default none (then the strategy's natural end; `random` needs one).
    public var end: EndCriteria
    /// `trial`: per-trial limits.
    public var trial: TrialLimits
    /// `priority`: the run's weight when workers are shared between runs. Default 1.
    public var priority: Double
    /// `early_stopping`: optional.
    public var earlyStopping: EarlyStoppingConfiguration?
    /// `prior`: optional.
    public var prior: PriorConfiguration?
    /// `final:`: the best networks retrained after the search; nil when absent.
    public var final: FinalPhaseConfiguration?
    /// `trainer.checkpoint_root`: an absolute path on a file system every worker shares, under
    /// which each trial gets its checkpoint directory (so any worker can resume a promotion); nil
    /// when absent (checkpoints stay in the run directory, docs/hyperband.md).
    public var checkpointRoot: String?

    /// Creates a configuration from its parts.
    public init(
        name: String, description: String = "", seed: UInt64 = 0, space: SearchSpaceConfiguration,
        strategy: StrategyConfiguration, training: TrainingConfiguration, trainer: TrainerConfiguration,
        end: EndCriteria = EndCriteria(), trial: TrialLimits = TrialLimits(), priority: Double = 1,
        earlyStopping: EarlyStoppingConfiguration? = nil, prior: PriorConfiguration? = nil,
        final: FinalPhaseConfiguration? = nil, checkpointRoot: String? = nil
    ) {
        self.name = name
        self.description = description
        self.seed = seed
        self.space = space
        self.strategy = strategy
        self.training = training
        self.trainer = trainer
        self.end = end
        self.trial = trial
        self.priority = priority
        self.earlyStopping = earlyStopping
        self.prior = prior
        self.final = final
        self.checkpointRoot = checkpointRoot
    }

    /// The top-level keys.
    public static let keys = [
        "name", "description", "seed", "space", "strategy", "training", "trainer", "end", "trial", "priority",
        "early_stopping", "prior", "final",
    ]

    /// Parses and decodes a configuration file's text.
    ///
    /// - Parameters:
    ///   - yaml: the file's text.
    ///   - file: the file's name, used only in error messages.
    /// - Throws: `ConfigError` for the first syntax error or invalid value.
    public init(yaml: String, file: String) throws(ConfigError) {
        try self.init(node: try YAMLParser.parse(yaml, file: file), file: file)
    }

    /// Decodes a parsed document.
    ///
    /// - Throws: `ConfigError` for the first invalid value, naming its key path.
    public init(node: YAMLNode, file: String) throws(ConfigError) {
        let decoder = ValueDecoder(file: file)
        if node.isNull {
            throw decoder.error(
                at: node.position, "",
                "the configuration is empty; expected a map with name, space, strategy, training and trainer")
        }
        let map = try MapDecoder(node, path: "", decoder: decoder, allowed: Self.keys)
        name = try Self.runName(try map.required("name"), decoder: decoder)
        if let node = map.optional("description") {
            description = try decoder.string(node, "description", nonEmpty: false)
        } else {
            description = ""
        }
        seed = UInt64(try map.integer("seed", default: 0, .atLeast(0)))
        let spaceNode = try map.required("space")
        space = try SearchSpaceConfiguration(node: spaceNode, path: "space", decoder: decoder)
        let trainingNode = try map.required("training")
        training = try TrainingConfiguration(node: trainingNode, path: "training", decoder: decoder)
        let strategyNode = try map.required("strategy")
        strategy = try StrategyConfiguration(
            node: strategyNode, path: "strategy", decoder: decoder, trainingEpochs: training.epochs)
        let trainerNode = try map.required("trainer")
        trainer = try TrainerConfiguration(node: trainerNode, path: "trainer", decoder: decoder)
        checkpointRoot = try TrainerConfiguration.checkpointRoot(in: trainerNode, path: "trainer", decoder: decoder)
        if let node = map.optional("end") {
            end = try EndCriteria(node: node, path: "end", decoder: decoder)
        } else {
            end = EndCriteria()
        }
        if let node = map.optional("trial") {
            trial = try TrialLimits(node: node, path: "trial", decoder: decoder)
        } else {
            trial = TrialLimits()
        }
        priority = try map.number("priority", default: 1, .positive)
        if let node = map.optional("early_stopping") {
            earlyStopping = try EarlyStoppingConfiguration(
                node: node, path: "early_stopping", decoder: decoder, trainingEpochs: training.epochs,
                isHyperband: strategy.kindName == "hyperband")
        } else {
            earlyStopping = nil
        }
        if let node = map.optional("prior") {
            prior = try PriorConfiguration(node: node, path: "prior", decoder: decoder)
        } else {
            prior = nil
        }
        if let node = map.optional("final") {
            final = try FinalPhaseConfiguration(node: node, path: "final", decoder: decoder)
        } else {
            final = nil
        }
        try reconcileInput(spaceNode: spaceNode, trainingNode: trainingNode, decoder: decoder)
        if case .metaQNN = strategy, !space.isBuiltBySequentialChoices, let kindNode = strategyNode["kind"] {
            throw decoder.error(
                at: kindNode.position, "strategy.kind",
                "the metaqnn strategy needs a space built by a sequence of choices (metaqnn), "
                    + "found space kind '\(space.kindName)'")
        }
        if !strategy.hasNaturalEnd && end.isEmpty {
            let position = map.optional("end")?.position ?? node.position
            throw decoder.error(
                at: position, map.contains("end") ? "end" : "",
                "a \(strategy.kindName) search has no natural end; set at least one of end.max_trials, "
                    + "end.max_epochs, end.deadline or end.target_accuracy")
        }
    }

    /// The input shape is written once, in `space` or in `training`; the other follows it.
    private mutating func reconcileInput(spaceNode: YAMLNode, trainingNode: YAMLNode, decoder: ValueDecoder)
        throws(ConfigError)
    {
        let spaceInput = spaceNode["input"].flatMap { $0.isNull ? nil : $0 }
        let trainingInput = trainingNode["input"].flatMap { $0.isNull ? nil : $0 }
        switch (spaceInput, trainingInput) {
        case (.some, .some(let node)) where training.input != space.input:
            throw decoder.error(
                at: node.position, "training.input",
                "\(training.input) differs from space.input \(space.input); write the input shape once")
        case (.none, .some):
            switch space.kind {
            case .metaQNN(var options):
                options.input = training.input
                space.kind = .metaQNN(options)
            case .blocks(var options):
                options.input = training.input
                space.kind = .blocks(options)
            case .cell(var options):
                options.input = training.input
                space.kind = .cell(options)
            case .nb201(var options):
                options.input = training.input
                space.kind = .nb201(options)
            }
        default:
            training.input = space.input
        }
    }

    private static func runName(_ node: YAMLNode, decoder: ValueDecoder) throws(ConfigError) -> String {
        let expectation = "a name of up to 100 letters, digits, '.', '_' or '-', not starting with '.'"
        guard case .string(let name) = node.value else {
            if case .integer = node.value {
                return node.source
            }
            throw decoder.error(node, "name", expected: expectation)
        }
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
        }
        guard allowed, !name.isEmpty, !name.hasPrefix("."), name.count <= 100 else {
            throw decoder.error(node, "name", expected: expectation)
        }
        return name
    }
}
