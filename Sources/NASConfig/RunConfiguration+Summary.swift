import NASCore

extension RunConfiguration {
    /// A few lines describing the run, for `nasd config check` and `nasd status`:
    ///
    /// ```
    /// run demo (seed 42)
    /// space: metaqnn, input [3,32,32], 10 classes, at most 5000000 parameters
    /// strategy: random
    /// training: 12 epochs, hyperparameters learning_rate=0.1, momentum=0.9
    /// trainer: builtin surrogate, epoch delay 0.02 seconds
    /// end: 60 trials
    /// ```
    public var summary: [String] {
        var lines = ["run \(name) (seed \(seed))"]
        var space = "space: \(self.space.kindName), input \(self.space.input)"
        switch self.space.kind {
        case .metaQNN(let options):
            space += ", \(options.classes) classes, depth ≤ \(options.maxDepth)"
        case .blocks(let options):
            space += ", \(options.classes) classes, \(options.stages) stages"
        case .cell(let options):
            space += ", \(options.classes) classes, ≤ \(options.maxNodes) nodes, ≤ \(options.maxEdges) edges"
        case .nb201(let options):
            space +=
                ", \(options.classes) classes, edge ops " + options.operations.map(\.rawValue).joined(separator: ", ")
        }
        if let maxParameters = self.space.limits.maxParameters {
            space += ", at most \(maxParameters) parameters"
        }
        if let maxFLOPs = self.space.limits.maxFLOPs {
            space += ", at most \(maxFLOPs) FLOPs"
        }
        lines.append(space)
        switch strategy {
        case .random:
            lines.append("strategy: random")
        case .metaQNN(let options):
            lines.append("strategy: metaqnn, \(options.epsilonSchedule.count) ε steps, \(options.totalModels) models")
        case .evolution(let options):
            lines.append(
                "strategy: evolution, population \(options.population), \(options.cycles) cycles, "
                    + "predictor \(options.predictor.rawValue)")
        case .hyperband(let options):
            lines.append("strategy: hyperband, R = \(options.maxResource), η = \(options.eta)")
        }
        var training = "training: \(self.training.epochs) epochs"
        let domains = self.training.hyperparameters.domains
        if !domains.isEmpty {
            let pairs = domains.keys.sorted().map { key in "\(key)=\(Self.describe(domains[key]))" }
            training += ", hyperparameters " + pairs.joined(separator: ", ")
        }
        lines.append(training)
        if let final {
            lines.append(
                "final: top \(final.topK) retrained for \(final.epochs) epochs"
                    + (final.seeds > 1 ? ", \(final.seeds) seeds each" : ""))
        }
        switch trainer {
        case .command(let command):
            lines.append("trainer: command " + command.arguments.joined(separator: " "))
        case .surrogate(let delay):
            lines.append("trainer: builtin surrogate" + (delay == .zero ? "" : ", epoch delay \(delay)"))
        case .replay(let file):
            lines.append("trainer: builtin replay of \(file)")
        }
        var ends: [String] = []
        if let maxTrials = end.maxTrials { ends.append("\(maxTrials) trials") }
        if let maxEpochs = end.maxEpochs { ends.append("\(maxEpochs) epochs") }
        switch end.deadline {
        case .after(let duration): ends.append("after \(duration)")
        case .at(let date): ends.append("at \(date)")
        case nil: break
        }
        if let target = end.targetAccuracy { ends.append("accuracy ≥ \(formatNumber(target))") }
        lines.append("end: " + (ends.isEmpty ? "when the strategy ends" : ends.joined(separator: ", ")))
        if let earlyStopping, case .hyperband = strategy {
            lines.append(
                "early stopping: f-Hyperband (\(earlyStopping.kind.rawValue)), Δ = \(formatNumber(earlyStopping.confidence)), "
                    + "δ = \(formatNumber(earlyStopping.margin)), κ = \(formatNumber(earlyStopping.kappa)), "
                    + "models after \(earlyStopping.minCurves) curves per budget")
        } else if let earlyStopping {
            lines.append(
                "early stopping: \(earlyStopping.kind.rawValue), Δ = \(formatNumber(earlyStopping.confidence)), "
                    + "δ = \(formatNumber(earlyStopping.margin)), burn-in \(earlyStopping.burnIn)"
                    + (earlyStopping.warmStart.map { ", warm start from \($0)" } ?? ""))
        }
        if let prior {
            let rule: String
            switch prior.vetoRule {
            case .quantile(let q): rule = "veto below the \(formatNumber(q)) quantile of trained networks"
            case .below(let a): rule = "veto below \(formatNumber(a))"
            }
            lines.append(
                "prior: \(prior.kind.rawValue), \(rule) after \(prior.trainAfter) trained, refit every "
                    + "\(prior.retrainEvery), audit \(formatNumber(prior.auditFraction))")
        }
        return lines
    }

    /// A hyperparameter's value or range as written in the configuration.
    static func describe(_ domain: HyperparameterDomain?) -> String {
        switch domain {
        case .none: return "?"
        case .fixed(let value): return formatNumber(value)
        case .uniform(let low, let high): return "uniform[\(formatNumber(low)), \(formatNumber(high))]"
        case .logUniform(let low, let high): return "log_uniform[\(formatNumber(low)), \(formatNumber(high))]"
        case .choice(let values): return "choice{" + values.map(formatNumber).joined(separator: ", ") + "}"
        }
    }
}
