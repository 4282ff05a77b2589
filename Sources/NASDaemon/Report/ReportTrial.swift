import NASStore

/// One trial as the report draws it: the stored record with its curve, its network's size and the
/// strategy phase that proposed it.
public struct ReportTrial: Hashable, Sendable {
    public var id: Int64
    public var state: TrialState
    /// The architecture as proposed.
    public var notation: String
    /// The architecture in canonical notation (what identical trials share).
    public var canonicalNotation: String
    /// The strategy phase that proposed it (`epsilon=0.9`, `generation=2`, `bracket=4 rung=0`,
    /// `final`) as stored with the trial; for a trial without one, its source with the proposal
    /// number removed (the strategy's kind).
    public var phase: String
    /// Trainable parameters, when the network could be analysed.
    public var parameters: Int?
    /// Multiply-accumulates of one forward pass, when the network could be analysed.
    public var flops: Int?
    public var finalAccuracy: Double?
    public var bestAccuracy: Double?
    /// The prior's estimate before dispatch (vetoed or not), with its model version.
    public var priorPrediction: Prediction?
    /// The stop rule's estimate of the final accuracy, when it stopped the trial early.
    public var stopPrediction: Prediction?
    /// The epoch it was stopped at, when it was stopped early.
    public var stoppedAtEpoch: Int?
    public var epochBudget: Int
    public var epochsDone: Int
    /// Validation accuracy as reported, earliest first.
    public var curve: [Double]
    /// The epoch of each `curve` value (`1…n` for a trainer that reports every epoch).
    public var curveEpochs: [Int]
    /// A test accuracy reported with the last epoch (metric `test_accuracy`), when the trainer sent one.
    public var testAccuracy: Double?
    /// Seconds from the run's creation to the trial's end.
    public var finishedAfter: Double?
    /// The trial whose result this one reuses.
    public var reusedFrom: Int64?
    public var failureReason: String?

    /// The accuracy a point stands for: the final one, else the best seen (a trial stopped early).
    public var shownAccuracy: Double? { finalAccuracy ?? bestAccuracy }

    /// Whether the trial belongs to the final phase (retrains a search result after the search).
    public var isFinalPhase: Bool { phase == "final" }

    /// Whether the trial was trained itself (not a reuse) and reported at least one epoch.
    public var wasTrained: Bool { reusedFrom == nil && !curve.isEmpty }

    /// The phase label for a stored source: `metaqnn#12` → `metaqnn`, `metaqnn:epsilon=0.5#3` →
    /// `epsilon=0.5`.
    static func phase(ofSource source: String) -> String {
        var label = Substring(source)
        if let hash = label.lastIndex(of: "#"), label[label.index(after: hash)...].allSatisfy(\.isNumber) {
            label = label[..<hash]
        }
        if let colon = label.firstIndex(of: ":"), label.index(after: colon) < label.endIndex {
            label = label[label.index(after: colon)...]
        }
        return label.isEmpty ? "unknown" : String(label)
    }
}
