/// Which page of a run's trials a `trials` request asks for: the order, how many, and how many of
/// the ordered trials to skip. The default (every trial in proposal order) is what a request
/// without these fields gets, as before paging existed.
public struct TrialPageRequest: Hashable, Sendable {
    /// The order's name (`id`, `newest`, `accuracy`); `nil` for proposal order.
    public var sort: String?
    /// At most this many trials; `nil` for all.
    public var limit: Int?
    /// How many of the ordered trials to skip; `nil` for none.
    public var offset: Int?

    /// Creates a page request.
    public init(sort: String? = nil, limit: Int? = nil, offset: Int? = nil) {
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}
