extension NASBench101Record {
    /// The record as a line of a curves file (`nasd convert nb101`): the cell with NAS-Bench-101's
    /// integer labels and its 0/1 matrix (padding vertices already dropped), the validation
    /// accuracies at 4, 12, 36 and 108 epochs as the curve with `epochs` [4, 12, 36, 108] — so the
    /// target a predictor learns is the 108-epoch accuracy — `params` the trainable parameters and
    /// `id` the NAS-Bench-101 key. The four values come from separate training runs, not one curve
    /// (docs/curves-format.md allows any increasing epochs).
    public var curveRecord: CurveRecord {
        let budgets = Self.epochBudgets.filter { validationAccuracy[$0] != nil }
        return CurveRecord(
            network: .cell(
                RecordedCell(operations: cell.operations.map { .code($0.nasBench101Label) }, adjacency: cell.matrix)),
            curve: budgets.compactMap { validationAccuracy[$0] }, epochs: budgets, budget: budgets.last,
            parameters: trainableParameters, id: key)
    }
}
