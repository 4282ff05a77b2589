/// One bracket of Hyperband (Li et al. 2018, Algorithm 1; ALGORITHMS.md §2): successive halving
/// that starts `n` configurations at `r` epochs and keeps the best 1/η of each round.
///
/// With `s_max = ⌊log_η R⌋` and `B = (s_max + 1)·R`, bracket s has
/// `n = ⌈B·η^s / (R·(s + 1))⌉ = ⌈(s_max + 1)·η^s / (s + 1)⌉` configurations and rounds
/// `n_i = ⌊n·η^−i⌋` at `r_i = R·η^(i−s)` epochs, i = 0…s. Epochs are whole numbers: `r_i` is
/// rounded down (at least 1), which is exact when R is a power of η; the last round always trains
/// to R. Everything is integer arithmetic, so the R = 81, η = 3 table comes out exactly.
public struct HyperbandBracket: Hashable, Sendable, Codable {
    /// One round of successive halving: `configurations` trained to `epochs`.
    public struct Round: Hashable, Sendable, Codable {
        /// n_i.
        public var configurations: Int
        /// r_i.
        public var epochs: Int

        /// Creates a round.
        public init(configurations: Int, epochs: Int) {
            self.configurations = configurations
            self.epochs = epochs
        }
    }

    /// s: the bracket's index (s_max first, the most aggressive).
    public var s: Int
    /// The rounds, first to last.
    public var rounds: [Round]

    /// Creates a bracket from its rounds.
    public init(s: Int, rounds: [Round]) {
        self.s = s
        self.rounds = rounds
    }

    /// s_max = ⌊log_η R⌋, computed without floating point.
    public static func maxBracketIndex(maxResource: Int, eta: Int) -> Int {
        precondition(maxResource >= 1 && eta >= 2, "R ≥ 1 and η ≥ 2")
        var s = 0
        var power = eta
        while power <= maxResource {
            s += 1
            let (next, overflow) = power.multipliedReportingOverflow(by: eta)
            if overflow { break }
            power = next
        }
        return s
    }

    /// The brackets of one Hyperband iteration, s = s_max down to 0.
    ///
    /// - Parameters:
    ///   - maxResource: R, the most epochs any configuration is trained for (≥ 1).
    ///   - eta: η, the halving rate (≥ 2).
    public static func brackets(maxResource: Int, eta: Int) -> [HyperbandBracket] {
        let sMax = maxBracketIndex(maxResource: maxResource, eta: eta)
        return (0...sMax).reversed().map { s in
            let etaToS = power(eta, s)
            let n = ((sMax + 1) * etaToS + s) / (s + 1)
            let rounds = (0...s).map { i in
                Round(configurations: n / power(eta, i), epochs: max(1, maxResource * power(eta, i) / etaToS))
            }
            return HyperbandBracket(s: s, rounds: rounds)
        }
    }

    private static func power(_ base: Int, _ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result *= base }
        return result
    }
}
