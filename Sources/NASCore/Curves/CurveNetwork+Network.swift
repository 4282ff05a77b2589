extension CurveNetwork {
    /// The network a trial would train for this record: the sequential network for `arch` /
    /// `layers`, the cell space's cell for `cell` (`RecordedCell.cell()`), the NAS-Bench-201 cell.
    ///
    /// - Returns: `nil` for a recorded cell that does not convert to a cell with an input→output
    ///   path (such a row can never be looked up by a trial).
    public var network: Network? {
        switch self {
        case .notation(let architecture), .layers(let architecture):
            return .sequential(architecture)
        case .cell(let recorded):
            guard let cell = try? recorded.cell(), (try? cell.pruned()) != nil else { return nil }
            return .cell(cell)
        case .nb201(let cell):
            return .nb201(cell)
        }
    }
}
