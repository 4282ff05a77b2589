/// The JSON payloads of `nasd status RUN --json`, `nasd trials RUN --json` and `nasd workers --json`,
/// decoded independently of the daemon's own types so that the tests pin the documented contract
/// (docs/cli.md, "JSON output").
struct RunStatusPayload: Decodable, Sendable {
    struct Counts: Decodable, Sendable {
        var total: Int
        var completed: Int
        var running: Int
        var queued: Int
        var stoppedEarly: Int
        var vetoed: Int
        var failed: Int
        var cancelled: Int
        var reused: Int
    }

    struct Best: Decodable, Sendable, Hashable {
        var trial: Int64
        var accuracy: Double
        var notation: String
        var canonicalNotation: String
    }

    var name: String
    var state: String
    var finishReason: String?
    var phase: String
    var counts: Counts
    /// The trials trained here by state (duplicates answered from them left out).
    var trained: Counts?
    var best: Best?
    var epochsSpent: Int
    var epochsSaved: Int

    /// Whether the run has ended (`finished` or `failed`) and will not be resumed.
    var hasEnded: Bool { state == "finished" || state == "failed" }
}

/// One trial as `nasd trials RUN --json` lists it.
struct TrialPayload: Decodable, Sendable, Hashable {
    var id: Int64
    var state: String
    var notation: String
    var canonicalNotation: String
    var epochBudget: Int
    var epochsDone: Int
    var attempts: Int
    var finalAccuracy: Double?
    var worker: String?
    var failureReason: String?
    var reusedFrom: Int64?
    var stoppedAtEpoch: Int?
    var stopPrediction: StopPrediction?

    /// An early-stopped trial's recorded prediction.
    struct StopPrediction: Decodable, Sendable, Hashable {
        var accuracy: Double
        var sigma: Double?
        var modelVersion: Int?
    }

    /// Completed by training, not by reusing an identical trial's result.
    var isTrainedCompletion: Bool { state == "completed" && reusedFrom == nil }
}

/// One connected worker as `nasd workers --json` lists it.
struct WorkerPayload: Decodable, Sendable {
    struct Job: Decodable, Sendable, Hashable {
        var run: String
        var trial: Int64
    }

    var id: String
    var slots: Int
    var busySlots: Int
    var jobs: [Job]
}
