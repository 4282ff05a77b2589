import NASCore

/// One result of an earlier MetaQNN run, as its replay database records it.
public struct ReplayRecord: Hashable, Sendable {
    /// The line of the record in its file (for reports of skipped rows).
    public var line: Int
    /// The network trained.
    public var network: Network
    /// Its reward: the best validation accuracy.
    public var accuracy: Double
    /// The ε it was proposed at.
    public var epsilon: Double

    /// Creates a record.
    public init(line: Int, network: Network, accuracy: Double, epsilon: Double) {
        self.line = line
        self.network = network
        self.accuracy = accuracy
        self.epsilon = epsilon
    }
}

/// What `MetaQNN.warmStart(from:)` imported.
public struct WarmStartSummary: Hashable, Sendable {
    /// A record skipped because the configured space cannot build its network.
    public struct SkippedRecord: Hashable, Sendable {
        /// The record's line in its file.
        public var line: Int
        /// Why the network is not in the space.
        public var reason: String
    }

    /// The accuracy of a network that never learned (chance on 10 classes): the original code
    /// recorded 0.1 when every learning-rate restart failed.
    public static let chanceAccuracy = 0.1

    /// Records offered.
    public var rows = 0
    /// Records that joined the replay memory.
    public var imported = 0
    /// Distinct networks in the memory afterwards.
    public var uniqueNetworks = 0
    /// Records whose network the space cannot build.
    public var skipped: [SkippedRecord] = []
    /// Imported records at exactly `chanceAccuracy`.
    public var neverLearned = 0
    /// The ε of the last imported record.
    public var lastEpsilon: Double?
    /// Unique networks first trained at `lastEpsilon`.
    public var uniqueAtLastEpsilon = 0
}
