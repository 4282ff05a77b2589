import NASCore

extension ValueDecoder {
    /// A map of hyperparameter names to numbers or ranges (`training.hyperparameters`): a number
    /// is fixed; `{log_uniform: [low, high]}`, `{uniform: [low, high]}` or `{choice: [v, ...]}`
    /// is searched. Errors point at the offending value: an empty choice, `low ≥ high`, a
    /// non-positive log-uniform bound, a range that is not two numbers.
    func hyperparameterSpace(_ node: YAMLNode, _ path: String, allowRanges: Bool) throws(ConfigError)
        -> HyperparameterSpace
    {
        guard case .map(let entries) = node.value else {
            throw error(
                node, path, expected: allowRanges ? "a map of names to numbers or ranges" : "a map of names to numbers")
        }
        var domains: [String: HyperparameterDomain] = [:]
        for entry in entries {
            let entryPath = keyPath(path, entry.key)
            if case .map = entry.value.value, allowRanges {
                domains[entry.key] = try hyperparameterRange(entry.value, entryPath)
            } else {
                domains[entry.key] = .fixed(
                    try number(entry.value, entryPath, .any))
            }
        }
        return HyperparameterSpace(domains)
    }

    /// One range: a map with exactly one of `log_uniform`, `uniform`, `choice`.
    private func hyperparameterRange(_ node: YAMLNode, _ path: String) throws(ConfigError) -> HyperparameterDomain {
        let kinds = ["log_uniform", "uniform", "choice"]
        let map = try MapDecoder(node, path: path, decoder: self, allowed: kinds)
        guard map.entries.count == 1, let entry = map.entries.first else {
            throw error(
                at: node.position, path, "a range has exactly one of log_uniform, uniform or choice",
                hint: "for example {log_uniform: [1e-4, 1e-1]}")
        }
        let valuePath = map.path(entry.key)
        let domain: HyperparameterDomain
        switch entry.key {
        case "choice":
            let values = try numbers(entry.value, valuePath, .any)
            domain = .choice(values)
        default:
            let bounds = try numbers(entry.value, valuePath, .any)
            guard bounds.count == 2 else {
                throw error(entry.value, valuePath, expected: "a list of two numbers [low, high]")
            }
            domain =
                entry.key == "uniform"
                ? .uniform(low: bounds[0], high: bounds[1]) : .logUniform(low: bounds[0], high: bounds[1])
        }
        if let problem = domain.problem {
            throw error(at: entry.value.position, valuePath, problem)
        }
        return domain
    }
}
