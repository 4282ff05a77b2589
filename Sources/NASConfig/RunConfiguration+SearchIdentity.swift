import NASCore

extension RunConfiguration {
    /// The search-defining parts of the configuration as canonical JSON: `seed`, `space`,
    /// `strategy`, `training` (epochs, hyperparameters, input), `early_stopping` and `prior`,
    /// with every default filled in, keys sorted.
    ///
    /// Two configurations define the same search exactly when their identities are equal, so a
    /// run may be resumed with a configuration whose identity matches the stored one. `name`,
    /// `description`, `trainer`, `end`, `trial` and `priority` are not part of it: they may change
    /// between restarts (to extend a budget, move a trainer, reprioritise).
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
    /// - Returns: the lines; a single line saying so when `old` cannot be read.
    public static func searchIdentityDifferences(from old: String, to new: String) -> [String] {
        do {
            let oldNode = try YAMLParser.parse(old, file: "stored identity")
            let newNode = try YAMLParser.parse(new, file: "new identity")
            return differences(from: CanonicalValue(node: oldNode), to: CanonicalValue(node: newNode))
        } catch {
            return old == new ? [] : ["the stored search identity cannot be read (\(error.message))"]
        }
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
