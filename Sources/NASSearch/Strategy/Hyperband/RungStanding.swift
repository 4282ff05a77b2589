/// Where a configuration stands in its round of successive halving (one rung of a Hyperband
/// bracket): the epochs r_i it is trained to, the rung's results so far and n_{i+1}, how many of
/// the rung go on. f-Hyperband's stop rule compares against this rung, not against the whole run
/// (Baker et al. 2018, appendix C, Algorithm 2: `L` and `n`).
public struct RungStanding: Hashable, Sendable {
    /// r_i: the epochs every member of the rung is trained to (the target the SRMs predict).
    public var targetEpochs: Int
    /// The rung's results so far, in the order they arrived: the final value at r_i of a member
    /// trained to the end, the predicted ŷ_{r_i} of a member stopped early (Algorithm 2's `L`).
    public var results: [Double]
    /// n_{i+1}: the members kept for the next round (1 in a bracket's last round).
    public var survivors: Int

    /// Creates a standing.
    public init(targetEpochs: Int, results: [Double], survivors: Int) {
        self.targetEpochs = targetEpochs
        self.results = results
        self.survivors = survivors
    }

    /// The k-th best result (1-based), or nil when the rung has fewer than k (`max_k`'s −∞: no
    /// stopping against it).
    public func kthBest(_ k: Int) -> Double? {
        guard k >= 1, k <= results.count else { return nil }
        return results.sorted(by: >)[k - 1]
    }
}
