/// The training hyperparameters of a run, by name: each fixed or searched with the architecture.
///
/// Sampling and mutation visit names in sorted order and draw only for searched ones, so a space
/// of fixed values never touches the generator: a run without ranges draws exactly what it drew
/// before hyperparameters could be searched.
public struct HyperparameterSpace: Hashable, Sendable, Codable {
    /// The domains by name.
    public var domains: [String: HyperparameterDomain]

    /// Creates a space from domains.
    public init(_ domains: [String: HyperparameterDomain] = [:]) {
        self.domains = domains
    }

    /// A space of fixed values (nothing searched).
    public init(fixed values: [String: Double]) {
        self.domains = values.mapValues { .fixed($0) }
    }

    /// Whether any hyperparameter is searched.
    public var isSearched: Bool { domains.values.contains(where: \.isSearched) }

    /// The names of the searched hyperparameters, sorted.
    public var searchedNames: [String] { domains.keys.sorted().filter { domains[$0]?.isSearched == true } }

    /// The fixed values (a choice of one included), or nil when something is searched.
    public var fixedValues: [String: Double]? {
        var values: [String: Double] = [:]
        for (name, domain) in domains {
            switch domain {
            case .fixed(let value): values[name] = value
            case .choice(let choices) where choices.count == 1: values[name] = choices[0]
            default: return nil
            }
        }
        return values
    }

    /// One value per name: fixed values as they are, searched ones drawn.
    public func sample(using generator: inout SeededGenerator) -> [String: Double] {
        var values: [String: Double] = [:]
        for name in domains.keys.sorted() {
            values[name] = domains[name]?.sample(using: &generator)
        }
        return values
    }

    /// `values` with one searched hyperparameter, picked uniformly, moved to a nearby value
    /// (`HyperparameterDomain.mutate`); names missing from `values` are drawn afresh.
    public func mutate(_ values: [String: Double], using generator: inout SeededGenerator) -> [String: Double] {
        var mutated = values
        for name in domains.keys.sorted() where mutated[name] == nil {
            mutated[name] = domains[name]?.sample(using: &generator)
        }
        let searched = searchedNames
        guard !searched.isEmpty else { return mutated }
        let name = searched[Int.random(in: 0..<searched.count, using: &generator)]
        if let domain = domains[name], let value = mutated[name] {
            mutated[name] = domain.mutate(value, using: &generator)
        }
        return mutated
    }
}

extension HyperparameterSpace: ExpressibleByDictionaryLiteral {
    /// A space written as `["learning_rate": 0.1, "weight_decay": .logUniform(low: 1e-5, high: 1e-3)]`.
    public init(dictionaryLiteral elements: (String, HyperparameterDomain)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The domain of one hyperparameter.
    public subscript(name: String) -> HyperparameterDomain? {
        get { domains[name] }
        set { domains[name] = newValue }
    }
}
