import NASCore

/// Recorded training runs indexed by network identity: what `nasd replay` serves a strategy in
/// place of training (a tabular benchmark such as NAS-Bench-201, or any curves file).
///
/// Networks are looked up by `Network.canonicalNotation`, as the replay trainer does; when several
/// records share an identity the first wins, and a recorded cell that converts to no valid cell is
/// left out.
public struct ReplayTable: Sendable {
    /// One network's recorded run.
    public struct Entry: Hashable, Sendable {
        /// The epoch index of each curve point, increasing.
        public var epochs: [Int]
        /// Validation accuracy per recorded epoch: the search signal.
        public var curve: [Double]
        /// The held-out test accuracy of the fully trained network, when recorded; reported only.
        public var testAccuracy: Double?

        /// The recorded points with epoch index at most `budget`.
        public func curve(upTo budget: Int) -> (epochs: [Int], curve: [Double]) {
            let count = epochs.prefix { $0 <= budget }.count
            return (Array(epochs.prefix(count)), Array(curve.prefix(count)))
        }
    }

    private let entries: [String: Entry]

    /// The largest recorded epoch of any entry (0 for an empty table): the natural training budget.
    public let maxEpoch: Int

    /// Indexes `records` (file order; the first of duplicates wins).
    public init(records: [CurveRecord]) {
        var entries: [String: Entry] = [:]
        var maxEpoch = 0
        for record in records {
            guard let network = record.network.network else { continue }
            let key = network.canonicalNotation
            guard entries[key] == nil else { continue }
            entries[key] = Entry(epochs: record.epochs, curve: record.curve, testAccuracy: record.testAccuracy)
            maxEpoch = max(maxEpoch, record.lastEpoch)
        }
        self.entries = entries
        self.maxEpoch = maxEpoch
    }

    /// The number of distinct networks.
    public var count: Int { entries.count }

    /// The recorded run of `network`, if any.
    public func entry(for network: Network) -> Entry? {
        entries[network.canonicalNotation]
    }
}
