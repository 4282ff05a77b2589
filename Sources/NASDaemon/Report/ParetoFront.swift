/// The Pareto front of accuracy against a cost (parameters, FLOPs): the points no other point
/// beats on both, i.e. at least as accurate and no more costly, and strictly better on one.
enum ParetoFront {
    /// The non-dominated points, cheapest first (so they can be drawn as a staircase).
    ///
    /// - Parameter points: `(cost, accuracy)` pairs; lower cost and higher accuracy are better.
    static func of(_ points: [(cost: Double, accuracy: Double)]) -> [(cost: Double, accuracy: Double)] {
        let sorted = points.filter { $0.cost.isFinite && $0.accuracy.isFinite }.sorted { lhs, rhs in
            lhs.cost != rhs.cost ? lhs.cost < rhs.cost : lhs.accuracy > rhs.accuracy
        }
        var front: [(cost: Double, accuracy: Double)] = []
        for point in sorted where point.accuracy > (front.last?.accuracy ?? -.infinity) {
            front.append(point)
        }
        return front
    }
}
