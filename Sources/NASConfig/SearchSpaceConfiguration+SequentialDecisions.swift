extension SearchSpaceConfiguration {
    /// Whether the space's networks are built by a sequence of choices, one legal action at a time,
    /// so that MetaQNN's Q-learning can search it: the MetaQNN layer space and NAS-Bench-201's six
    /// edges (one op each). Block generation and NAS-Bench-101 cells are not.
    public var isBuiltBySequentialChoices: Bool {
        switch kind {
        case .metaQNN, .nb201: return true
        case .blocks, .cell: return false
        }
    }
}
