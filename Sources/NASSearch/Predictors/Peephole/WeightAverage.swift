import NASNumerics

/// The running mean of a network's parameters over the snapshots added to it: stochastic weight
/// averaging (Izmailov et al. 2018) over the last passes of training. Every parameter is averaged,
/// the batch-normalization running statistics included, so the averaged network needs no
/// recalibration pass (an approximation the SWA paper refines with one; not needed here: measured
/// in docs/BENCHMARKS.md).
struct WeightAverage {
    /// The sums of the snapshots' values, one per named parameter, in Double (hundreds of
    /// snapshots add up without losing the low bits).
    private var sums: [[Double]] = []
    /// Snapshots added.
    private(set) var count = 0

    /// Adds the network's current parameters.
    mutating func add(_ network: some ParameterContainer) throws(PeepholeError) {
        let parameters = network.namedParameters
        if sums.isEmpty {
            sums = parameters.map { [Double](repeating: 0, count: $0.parameter.value.count) }
        }
        guard sums.count == parameters.count else {
            throw .numerics("weight average of \(sums.count) parameters given \(parameters.count)")
        }
        for (index, entry) in parameters.enumerated() {
            let values = entry.parameter.value.scalars
            guard values.count == sums[index].count else {
                throw .numerics("weight average: '\(entry.name)' changed size")
            }
            for j in values.indices { sums[index][j] += Double(values[j]) }
        }
        count += 1
    }

    /// Replaces the network's parameters by the mean of the snapshots; does nothing when none was added.
    func load(into network: some ParameterContainer) throws(PeepholeError) {
        guard count > 0 else { return }
        let parameters = network.namedParameters
        guard sums.count == parameters.count else {
            throw .numerics("weight average of \(sums.count) parameters given \(parameters.count)")
        }
        for (index, entry) in parameters.enumerated() {
            let mean = sums[index].map { Float($0 / Double(count)) }
            guard mean.count == entry.parameter.value.count else {
                throw .numerics("weight average: '\(entry.name)' changed size")
            }
            entry.parameter.value.scalars = mean
        }
    }
}
