/// The orders a page of trials can be listed in (`nasd trials --sort`); each is total (ties go by
/// id), so pages read one after another neither repeat nor skip a trial that did not change.
public enum TrialOrder: String, CaseIterable, Hashable, Sendable {
    /// Proposal order: the lowest id first.
    case id
    /// The latest proposal first.
    case newest
    /// The highest accuracy first: the final accuracy, or the best so far for a trial still
    /// training; trials without one last, then by id.
    case accuracy

    /// The SQL `ORDER BY` clause (the `trials_by_accuracy` index has the same expression).
    var orderByClause: String {
        switch self {
        case .id: return "id"
        case .newest: return "id DESC"
        case .accuracy: return "coalesce(final_accuracy, best_accuracy) DESC, id"
        }
    }
}
