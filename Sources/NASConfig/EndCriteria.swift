import Foundation

/// The `end:` section: the run ends at the first criterion met (or when the strategy ends).
public struct EndCriteria: Hashable, Sendable {
    /// `max_trials`: trials finished (completed, stopped early, vetoed or failed).
    public var maxTrials: Int?
    /// `max_epochs`: epochs trained across all trials.
    public var maxEpochs: Int?
    /// `deadline`: a duration from the run's creation, or a timestamp.
    public var deadline: Deadline?
    /// `target_accuracy`: a validation accuracy in (0, 1] that ends the run once reached.
    public var targetAccuracy: Double?

    /// Creates end criteria; all nil means "when the strategy ends".
    public init(maxTrials: Int? = nil, maxEpochs: Int? = nil, deadline: Deadline? = nil, targetAccuracy: Double? = nil)
    {
        self.maxTrials = maxTrials
        self.maxEpochs = maxEpochs
        self.deadline = deadline
        self.targetAccuracy = targetAccuracy
    }

    /// Whether no criterion is set.
    public var isEmpty: Bool {
        maxTrials == nil && maxEpochs == nil && deadline == nil && targetAccuracy == nil
    }

    static let keys = ["max_trials", "max_epochs", "deadline", "target_accuracy"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        maxTrials = try map.optionalInteger("max_trials", .atLeast(1))
        maxEpochs = try map.optionalInteger("max_epochs", .atLeast(1))
        if let deadlineNode = map.optional("deadline") {
            deadline = try Deadline(node: deadlineNode, path: map.path("deadline"), decoder: decoder)
        } else {
            deadline = nil
        }
        targetAccuracy = try map.optionalNumber("target_accuracy", .aboveAndAtMost(0, 1))
    }
}

/// When a run must end.
public enum Deadline: Hashable, Sendable {
    /// A duration (`2h`, `90m`, `30s`) counted from the run's creation (not from a restart).
    case after(Duration)
    /// An ISO-8601 timestamp with a time zone, such as `2025-06-01T18:00:00Z`.
    case at(Date)

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        if case .string(let text) = node.value, let date = DurationSyntax.timestamp(text) {
            self = .at(date)
            return
        }
        switch node.value {
        case .string(let text) where DurationSyntax.nanoseconds(of: text) != nil:
            self = .after(try decoder.duration(node, path))
        case .integer, .float:
            self = .after(try decoder.duration(node, path))
        default:
            throw decoder.error(
                node, path,
                expected: "a duration such as 2h, 90m or 30s, or a timestamp such as 2025-06-01T18:00:00Z")
        }
    }
}
