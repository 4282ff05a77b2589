import NASCore

extension RunConfiguration {
    /// The search-defining parts of the configuration as canonical JSON: `seed`, `space`,
    /// `strategy`, `training` (epochs, hyperparameters, input), `early_stopping`, `prior` and
    /// `final`, with every default filled in, keys sorted.
    ///
    /// Two configurations define the same search exactly when their identities are equal, so a
    /// run may be resumed with a configuration whose identity matches the stored one. `name`,
    /// `description`, `trainer`, `end`, `trial` and `priority` are not part of it: they may change
    /// between restarts (to extend a budget, move a trainer, reprioritise). `final` is: it decides
    /// which networks the run retrains and how, so a resume must not change it halfway. A section
    /// left out is left out of the identity, so identities written before a section counted
    /// still match.
    public var searchIdentity: String {
        searchIdentityValue.rendered
    }

    /// The differences between `previous`'s search and this one, one human-readable line each,
    /// `key.path: old → new` (`(absent)` for a side that lacks the key); empty when both define
    /// the same search.
    public func searchDifferences(from previous: RunConfiguration) -> [String] {
        Self.differences(from: previous.searchIdentityValue, to: searchIdentityValue)
    }

    /// The differences between two `searchIdentity` strings (for example, one stored with a run
    /// and one from the configuration at hand), as `searchDifferences(from:)` lists them.
    ///
    /// Identities stored before `final` was part of them lack it whatever the run's `final:`
    /// section: for those, the section is read from the run's stored configuration text, so such
    /// a run resumes with the same section (or none, as before) and is refused with another.
    ///
    /// - Parameters:
    ///   - old: the stored identity.
    ///   - storedConfiguration: the configuration text stored with the run (the one it last ran
    ///     with), read only when `old` has no `final`; nil to compare the identities as they are.
    ///   - new: the identity of the configuration at hand.
    /// - Returns: the lines; a single line saying so when `old` cannot be read.
    public static func searchIdentityDifferences(
        from old: String, storedConfiguration: String? = nil, to new: String
    ) -> [String] {
        do {
            let oldNode = try YAMLParser.parse(old, file: "stored identity")
            let newNode = try YAMLParser.parse(new, file: "new identity")
            var oldValue = CanonicalValue(node: oldNode)
            if case .object(var members) = oldValue, members["final"] == nil,
                let finalPhase = storedConfiguration.flatMap(finalPhaseValue(ofConfiguration:))
            {
                members["final"] = finalPhase
                oldValue = .object(members)
            }
            return differences(from: oldValue, to: CanonicalValue(node: newNode))
        } catch {
            return old == new ? [] : ["the stored search identity cannot be read (\(error.message))"]
        }
    }

    /// The identity's `final` member for a configuration text's `final:` section, or nil when it
    /// has none or the section cannot be read (it then counts as absent, and a configuration with
    /// the section is refused with the difference rather than resumed on a guess).
    private static func finalPhaseValue(ofConfiguration text: String) -> CanonicalValue? {
        let file = "stored configuration"
        guard let document = try? YAMLParser.parse(text, file: file), let node = document["final"], !node.isNull,
            let finalPhase = try? FinalPhaseConfiguration(node: node, path: "final", decoder: ValueDecoder(file: file))
        else { return nil }
        return finalPhase.canonicalValue
    }

    private static func differences(from old: CanonicalValue, to new: CanonicalValue) -> [String] {
        let oldLeaves = Dictionary(old.flattened().map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
        let newLeaves = Dictionary(new.flattened().map { ($0.path, $0.value) }, uniquingKeysWith: { first, _ in first })
        let paths = Set(oldLeaves.keys).union(newLeaves.keys).sorted()
        return paths.compactMap { path in
            let before = oldLeaves[path]
            let after = newLeaves[path]
            guard before != after else { return nil }
            return "\(path): \(before?.rendered ?? "(absent)") → \(after?.rendered ?? "(absent)")"
        }
    }

    var searchIdentityValue: CanonicalValue {
        var members: [String: CanonicalValue] = [
            "seed": .integer(Int(truncatingIfNeeded: seed)),
            "space": space.canonicalValue,
            "strategy": strategy.canonicalValue,
            "training": training.canonicalValue,
        ]
        if let earlyStopping {
            members["early_stopping"] = earlyStopping.canonicalValue(isHyperband: strategy.kindName == "hyperband")
        }
        if let prior {
            members["prior"] = prior.canonicalValue
        }
        if let finalPhase = self.final {
            members["final"] = finalPhase.canonicalValue
        }
        return .object(members)
    }
}

extension TensorShape {
    fileprivate var canonicalValue: CanonicalValue {
        .array([.integer(channels), .integer(height), .integer(width)])
    }
}

extension Array where Element == Int {
    fileprivate var canonicalValue: CanonicalValue { .array(map { .integer($0) }) }
}

extension Array where Element == Double {
    fileprivate var canonicalValue: CanonicalValue { .array(map { .number($0) }) }
}

extension Optional where Wrapped == Int {
    fileprivate var canonicalValue: CanonicalValue { map { .integer($0) } ?? .null }
}

extension SearchSpaceConfiguration {
    fileprivate var canonicalValue: CanonicalValue {
        var members: [String: CanonicalValue] = [
            "kind": .string(kindName),
            "limits": .object([
                "max_params": limits.maxParameters.canonicalValue, "max_flops": limits.maxFLOPs.canonicalValue,
            ]),
        ]
        switch kind {
        case .metaQNN(let options):
            members["filters"] = options.filters.canonicalValue
            members["kernels"] = options.kernels.canonicalValue
            members["strides"] = options.strides.canonicalValue
            members["pools"] = .array(options.pools.map { .array([.integer($0.kernel), .integer($0.stride)]) })
            members["fc_sizes"] = options.fullyConnectedSizes.canonicalValue
            members["max_depth"] = .integer(options.maxDepth)
            members["max_consecutive_fc"] = .integer(options.maxConsecutiveFullyConnected)
            members["size_bins"] = options.sizeBins.canonicalValue
            members["input"] = options.input.canonicalValue
            members["classes"] = .integer(options.classes)
        case .blocks(let options):
            if let transition = options.transition {
                var rows: [String: CanonicalValue] = [:]
                for (from, row) in transition {
                    var weights: [String: CanonicalValue] = [:]
                    for (to, weight) in row {
                        weights[to.rawValue] = .number(weight)
                    }
                    rows[from.rawValue] = .object(weights)
                }
                members["transition"] = .object(rows)
            } else {
                members["transition"] = .null
            }
            members["bn_probability"] = .number(options.batchNormProbability)
            members["max_block_layers"] = .integer(options.maxBlockLayers)
            members["max_block_convolutions"] = .integer(options.maxBlockConvolutions)
            members["kernels"] = options.kernels.canonicalValue
            members["channel_ratios"] = options.channelRatios.canonicalValue
            members["stages"] = .integer(options.stages)
            members["max_block_copies"] = .integer(options.maxBlockCopies)
            members["input"] = options.input.canonicalValue
            members["classes"] = .integer(options.classes)
        case .cell(let options):
            members["max_nodes"] = .integer(options.maxNodes)
            members["max_edges"] = .integer(options.maxEdges)
            members["ops"] = .array(options.operations.map { .string($0.rawValue) })
            members["input"] = options.input.canonicalValue
            members["classes"] = .integer(options.classes)
        case .nb201(let options):
            members["ops"] = .array(options.operations.map { .string($0.rawValue) })
            members["input"] = options.input.canonicalValue
            members["classes"] = .integer(options.classes)
        }
        return .object(members)
    }
}

extension StrategyConfiguration {
    fileprivate var canonicalValue: CanonicalValue {
        var members: [String: CanonicalValue] = ["kind": .string(kindName)]
        switch self {
        case .random:
            break
        case .metaQNN(let options):
            members["epsilon_schedule"] = .array(
                options.epsilonSchedule.map {
                    .object(["epsilon": .number($0.epsilon), "models": .integer($0.models)])
                })
            members["learning_rate"] = .number(options.learningRate)
            members["discount"] = .number(options.discount)
            members["initial_q"] = .number(options.initialQ)
            members["replay_batch"] = .integer(options.replayBatch)
        case .evolution(let options):
            members["population"] = .integer(options.population)
            members["sample_size"] = .integer(options.sampleSize)
            members["cycles"] = .integer(options.cycles)
            members["predictor"] = .string(options.predictor.rawValue)
            members["predictor_generations"] = .integer(options.predictorGenerations)
            members["train_top_k"] = .integer(options.trainTopK)
            if options.predictor != .none {
                members["predictor_warmup"] = .integer(options.predictorWarmup)
            }
            if options.predictorPool != .evolution {
                // Only when not the default, so that earlier runs keep their identity.
                members["predictor_pool"] = .string(options.predictorPool.rawValue)
            }
            if options.predictorEnsemble != 1 {
                // Only when not the default, so that earlier runs keep their identity.
                members["predictor_ensemble"] = .integer(options.predictorEnsemble)
            }
            if options.predictorExploration != 0 {
                // Only when not the default, so that earlier runs keep their identity.
                members["predictor_exploration"] = .number(options.predictorExploration)
            }
            // The path as written; the run keeps its own copy of the file's bytes, so a resumed
            // run starts from the same model whatever became of the file.
            if let model = options.predictorModel { members["predictor_model"] = .string(model) }
        case .hyperband(let options):
            members["max_resource"] = .integer(options.maxResource)
            members["eta"] = .integer(options.eta)
            members["iterations"] = .integer(options.iterations)
        }
        return .object(members)
    }
}

extension TrainingConfiguration {
    fileprivate var canonicalValue: CanonicalValue {
        .object([
            "epochs": .integer(epochs),
            "hyperparameters": .object(hyperparameters.domains.mapValues(\.canonicalValue)),
            "input": input.canonicalValue,
        ])
    }
}

extension EarlyStoppingConfiguration {
    fileprivate func canonicalValue(isHyperband: Bool) -> CanonicalValue {
        var members: [String: CanonicalValue] = [
            "kind": .string(kind.rawValue), "margin": .number(margin), "confidence": .number(confidence),
            "burn_in": .integer(burnIn), "compare_to_nth": .integer(compareToNth), "min_epochs": .integer(minEpochs),
        ]
        // The warm-start file changes which trials are stopped; absent, the key is left out so that
        // identities written before it existed still match.
        if let warmStart { members["warm_start"] = .string(warmStart) }
        // κ and d exist only in f-Hyperband (hyperband with early stopping): other runs keep the
        // identities they had before the keys existed.
        if isHyperband {
            members["kappa"] = .number(kappa)
            members["min_curves"] = .integer(minCurves)
        }
        return .object(members)
    }
}

extension PriorConfiguration {
    fileprivate var canonicalValue: CanonicalValue {
        var fields: [String: CanonicalValue] = [
            "kind": .string(kind.rawValue), "train_after": .integer(trainAfter),
            "retrain_every": .integer(retrainEvery), "audit_fraction": .number(auditFraction),
        ]
        switch vetoRule {
        case .quantile(let q): fields["veto_quantile"] = .number(q)
        case .below(let a): fields["veto_below"] = .number(a)
        }
        if let model { fields["model"] = .string(model) }
        return .object(fields)
    }
}

extension FinalPhaseConfiguration {
    fileprivate var canonicalValue: CanonicalValue {
        .object([
            "top_k": .integer(topK), "epochs": .integer(epochs),
            "hyperparameters": .object(hyperparameters.mapValues { .number($0) }), "seeds": .integer(seeds),
        ])
    }
}

extension HyperparameterDomain {
    /// A fixed value as its number (so identities written before ranges existed still match), a
    /// range as `{"<kind>": [...]}`.
    fileprivate var canonicalValue: CanonicalValue {
        switch self {
        case .fixed(let value): return .number(value)
        case .uniform(let low, let high): return .object(["uniform": .array([.number(low), .number(high)])])
        case .logUniform(let low, let high): return .object(["log_uniform": .array([.number(low), .number(high)])])
        case .choice(let values): return .object(["choice": .array(values.map { .number($0) })])
        }
    }
}
