import NASCore

/// Recorded curves replayed through a pruner in random orders (`nasd replay --early-stop srm`): how
/// many epochs early stopping would have saved, and whether the best network would still have been
/// trained to the end.
///
/// Each ordering is the daemon with one worker and the same `Pruner` code: rows train one after the
/// other; after each epoch τ the pruner decides on the row's first τ values with the model version
/// its schedule names for the number of curves completed so far (`ModelSchedule`), fit — on exactly
/// the completed curves that version names, in completion order — the first time a decision needs
/// it, as the daemon's decisions wait for their version; a version whose fit fails decides nothing
/// (the trial trains on), as in the daemon. A row that is not stopped completes: its final value
/// joins the standing and its curve the examples.
public enum EarlyStoppingReplay {
    /// One recorded complete curve.
    public struct Row: Hashable, Sendable {
        /// What was trained (its budget is the row's).
        public var candidate: Candidate
        /// The recorded values with the epoch of each (`1…T` for a curve reported every epoch: what
        /// a prefix costs).
        public var recorded: CurvePrefix

        /// Creates a row from a recorded curve.
        public init(candidate: Candidate, recorded: CurvePrefix) {
            self.candidate = candidate
            self.recorded = recorded
        }

        /// Creates a row; values whose epochs do not form a prefix are read as epochs `1…n`.
        public init(candidate: Candidate, curve: [Double], epochs: [Int]) {
            self.init(
                candidate: candidate,
                recorded: (try? CurvePrefix(values: curve, epochs: epochs)) ?? CurvePrefix(values: curve))
        }

        /// The complete rows of a curves file, in file order; rows stopped before their budget,
        /// without points, whose epochs do not increase, or whose network converts to none are left
        /// out.
        public static func rows(of records: [CurveRecord]) -> [Row] {
            records.enumerated().compactMap { index, record in
                guard record.isComplete, !record.curve.isEmpty,
                    let recorded = try? CurvePrefix(values: record.curve, epochs: record.epochs),
                    let network = record.network.network
                else { return nil }
                return Row(
                    candidate: Candidate(
                        proposalID: index, network: network, hyperparameters: record.hyperparameters,
                        budget: record.budget),
                    recorded: recorded)
            }
        }

        /// The recorded values, in epoch order.
        public var curve: [Double] { recorded.values }
        /// The epoch of each value.
        public var epochs: [Int] { recorded.epochs }

        /// The first `reports` values with their epochs: what a trial that has reported so far shows.
        public func prefix(reports: Int) -> CurvePrefix {
            guard reports > 0, !recorded.epochs.isEmpty else { return CurvePrefix(values: []) }
            return recorded.truncated(toEpoch: recorded.epochs[min(reports, recorded.epochs.count) - 1])
        }

        /// The row's final value.
        public var final: Double { curve.last ?? 0 }
        /// Epochs of full training.
        public var fullEpochs: Int { epochs.last ?? 0 }
    }

    /// The outcome of one ordering.
    public struct Ordering: Hashable, Sendable {
        /// Epochs trained (a stopped row costs the epochs up to its stop).
        public var epochsUsed: Int
        /// Epochs of training every row fully.
        public var epochsFull: Int
        /// Rows stopped early.
        public var stopped: Int
        /// Whether a row with the best final value of all rows was trained to the end (and so
        /// ranked best among the completed ones).
        public var bestKept: Bool
        /// Model versions fit.
        public var fits: Int
        /// The rows in the order replayed, each as its record's index in the curves file (the
        /// candidate's `proposalID`), so a reference implementation can replay the same order.
        public var order: [Int]
    }

    /// The outcome over all orderings.
    public struct Summary: Hashable, Sendable {
        /// `epochsFull / mean epochsUsed`.
        public var speedup: Double
        /// Orderings in which the best network was kept.
        public var bestKept: Int
        /// The number of orderings.
        public var orderings: Int
        /// Mean epochs used per ordering.
        public var epochsUsed: Double
        /// Epochs of full training (the same in every ordering).
        public var epochsFull: Int
        /// Mean rows stopped per ordering.
        public var stopped: Double
    }

    /// Replays `rows` in `orderings` seeded random orders.
    ///
    /// - Parameters:
    ///   - seed: ordering i shuffles with the stream `early-stop-ordering-i` of this seed.
    ///   - makePruner: the pruner of ordering i (the same object the daemon would build).
    public static func run(
        rows: [Row], orderings: Int, seed: UInt64, makePruner: (Int) -> any Pruner
    ) -> (orderings: [Ordering], summary: Summary) {
        var results: [Ordering] = []
        for index in 0..<max(0, orderings) {
            var generator = SeededGenerator.derived(from: seed, stream: "early-stop-ordering-\(index)")
            let order = Array(rows.indices).shuffled(using: &generator)
            results.append(replay(order.map { rows[$0] }, pruner: makePruner(index)))
        }
        return (results, summarize(results))
    }

    /// Replays the rows in the order given.
    public static func replay(_ rows: [Row], pruner: any Pruner) -> Ordering {
        let best = rows.map(\.final).max()
        var result = Ordering(
            epochsUsed: 0, epochsFull: rows.reduce(0) { $0 + $1.fullEpochs }, stopped: 0, bestKept: false, fits: 0,
            order: rows.map(\.candidate.proposalID))
        var standing = RunStanding()
        var examples: [PredictorExample] = []
        var models: [Int: (any PredictorModel)?] = [:]
        func model(forVersion version: Int) -> (any PredictorModel)? {
            if let fitted = models[version] { return fitted }
            let count = pruner.schedule?.exampleCount(ofVersion: version) ?? 0
            let fitted = try? pruner.fit(Array(examples.prefix(count)), version: version)
            result.fits += 1
            models[version] = .some(fitted)
            return fitted
        }
        rows: for row in rows {
            for tau in 1..<row.curve.count {
                let version = pruner.schedule?.version(afterExamples: examples.count) ?? 0
                let model = version >= 1 ? model(forVersion: version) : nil
                if pruner.schedule != nil && model == nil { continue }
                let decision = pruner.decide(
                    candidate: row.candidate, curve: row.prefix(reports: tau), standing: standing, model: model)
                if case .stop = decision {
                    result.stopped += 1
                    result.epochsUsed += row.epochs[tau - 1]
                    continue rows
                }
            }
            result.epochsUsed += row.fullEpochs
            standing.record(row.final)
            examples.append(PredictorExample(candidate: row.candidate, curve: row.recorded))
            if row.final == best { result.bestKept = true }
        }
        return result
    }

    /// The summary of per-ordering outcomes.
    public static func summarize(_ results: [Ordering]) -> Summary {
        let count = Double(max(1, results.count))
        let used = Double(results.reduce(0) { $0 + $1.epochsUsed }) / count
        let full = results.first?.epochsFull ?? 0
        return Summary(
            speedup: used > 0 ? Double(full) / used : 1, bestKept: results.filter(\.bestKept).count,
            orderings: results.count, epochsUsed: used, epochsFull: full,
            stopped: Double(results.reduce(0) { $0 + $1.stopped }) / count)
    }
}
