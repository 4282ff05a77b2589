/// Where a strategy stood when it proposed a candidate: MetaQNN's ε, regularized evolution's
/// generation, Hyperband's bracket and rung. Stored with the trial (its `phase`), shown by
/// `nasd status`, `nasd trials`, `nasd export` and the report.
public struct ProposalPhase: Hashable, Sendable, Codable {
    /// MetaQNN: the ε of the schedule step the candidate was drawn at.
    public var epsilon: Double?
    /// Regularized evolution: 0 for the random initial population, then ⌈offspring / P⌉ — one
    /// generation per P offspring, the time the population takes to turn over once.
    public var generation: Int?
    /// Hyperband: the bracket's s (its number of halvings).
    public var bracket: Int?
    /// Hyperband: the rung the candidate entered (0 for a fresh draw).
    public var rung: Int?

    /// Creates a phase; unset parts are nil.
    public init(epsilon: Double? = nil, generation: Int? = nil, bracket: Int? = nil, rung: Int? = nil) {
        self.epsilon = epsilon
        self.generation = generation
        self.bracket = bracket
        self.rung = rung
    }

    /// The stored and shown form: `epsilon=0.9`, `generation=3`, `bracket=4 rung=0`, space-separated
    /// `key=value` pairs in that order (empty when nothing is set).
    public var text: String {
        var parts: [String] = []
        if let epsilon { parts.append("epsilon=\(epsilon)") }
        if let generation { parts.append("generation=\(generation)") }
        if let bracket { parts.append("bracket=\(bracket)") }
        if let rung { parts.append("rung=\(rung)") }
        return parts.joined(separator: " ")
    }

    /// Reads `text`'s form back; nil for anything else.
    public init?(text: String) {
        self.init()
        for part in text.split(separator: " ") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "epsilon":
                guard let value = Double(pair[1]) else { return nil }
                epsilon = value
            case "generation":
                guard let value = Int(pair[1]) else { return nil }
                generation = value
            case "bracket":
                guard let value = Int(pair[1]) else { return nil }
                bracket = value
            case "rung":
                guard let value = Int(pair[1]) else { return nil }
                rung = value
            default: return nil
            }
        }
    }
}
