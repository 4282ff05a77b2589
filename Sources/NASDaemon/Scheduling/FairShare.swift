/// Chooses which run gets the next free worker slot: slots are shared between runs in proportion
/// to their priorities (stride scheduling: the run with the lowest `running / priority` goes next).
public enum FairShare {
    /// A run's claim on the next slot.
    public struct Claim: Hashable, Sendable {
        public var run: String
        public var priority: Double
        public var running: Int

        public init(run: String, priority: Double, running: Int) {
            self.run = run
            self.priority = priority
            self.running = running
        }
    }

    /// The run that should get the next slot among those with work to dispatch, or nil when none.
    ///
    /// Ties go to the run whose name sorts first, so the choice is deterministic.
    public static func next(among claims: [Claim]) -> String? {
        claims
            .filter { $0.priority > 0 }
            .min { lhs, rhs in
                let l = Double(lhs.running + 1) / lhs.priority
                let r = Double(rhs.running + 1) / rhs.priority
                return l != r ? l < r : lhs.run < rhs.run
            }?.run
    }
}
