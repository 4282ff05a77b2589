import Foundation
import NASConfig
import NASCore
import NASDaemon
import NASSearch

/// Issue 7 §8 on the surrogate: best-so-far validation accuracy against trained epochs for random
/// search, MetaQNN, regularized evolution and Hyperband (mean and standard error over seeds), and
/// MetaQNN's mean accuracy per ε step.
///
/// Each search runs the strategy's own code one trial at a time (one worker slot, as in
/// `strategy-timing`) with `SurrogateBenchmark` standing in for training: a trained network costs
/// the epochs it is trained (a Hyperband promotion only its extra epochs) and its curve's last
/// value is what the strategy observes and what "best so far" counts. A network proposed again
/// costs nothing and returns its earlier curve, as the daemon reuses a trained network.
enum SurrogateSearch {
    /// The space and the strategies compared (one `strategy:` section each; `training.epochs` 20).
    static let space =
        "space: {kind: metaqnn, filters: [64, 128, 256, 512], kernels: [1, 3, 5], fc_sizes: [512, 256, 128], max_depth: 10}"

    static func strategies(epochBudget: Int) -> [(String, String)] {
        let models = epochBudget / 20
        // MetaQNN's schedule scaled to the budget: the paper's models per ε (ALGORITHMS.md §1: 1,500
        // at ε = 1.0, 100 at each of 0.9 … 0.7, 150 at each of 0.6 … 0.1; 2,700 in all) as fractions
        // of the models the budget buys (exactly the paper's at 54,000 epochs of 20-epoch networks).
        let paper: [(Double, Int)] = [
            (1.0, 1500), (0.9, 100), (0.8, 100), (0.7, 100), (0.6, 150), (0.5, 150), (0.4, 150), (0.3, 150),
            (0.2, 150), (0.1, 150),
        ]
        let schedule = paper.map { epsilon, count in
            "{epsilon: \(epsilon), models: \(max(1, models * count / 2700))}"
        }.joined(separator: ", ")
        return [
            ("random", "strategy: {kind: random}\nend: {max_trials: \(models * 4)}"),
            ("metaqnn", "strategy: {kind: metaqnn, epsilon_schedule: [\(schedule)]}"),
            ("evolution", "strategy: {kind: evolution, population: 50, sample_size: 10, cycles: \(models * 4)}"),
            ("hyperband", "strategy: {kind: hyperband, max_resource: 20, eta: 3, iterations: 1000}"),
        ]
    }

    /// One search's trace: (epochs trained so far, best accuracy so far) after each new result, and
    /// MetaQNN's accuracies by the ε they were proposed at.
    struct Trace {
        var points: [(epochs: Int, best: Double)] = []
        var byEpsilon: [Double: [Double]] = [:]
        /// Proposals made (new networks and promotions).
        var proposals = 0
    }

    static func run(seeds: Int, epochBudget: Int) throws {
        let marks = stride(from: epochBudget / 10, through: epochBudget, by: epochBudget / 10).map { $0 }
        print("surrogate search: \(seeds) seeds, \(epochBudget) trained epochs per search, \(space)")
        print("best-so-far validation accuracy (mean ± standard error over seeds) after E trained epochs")
        var header = "strategy  "
        for mark in marks { header += String(format: " %14d", mark) }
        print(header)
        var epsilonRows: [Double: [Double]] = [:]
        for (word, section) in strategies(epochBudget: epochBudget) {
            let started = Date()
            var traces: [Trace] = []
            for index in 0..<seeds {
                traces.append(try search(section: section, seed: UInt64(1000 + index), epochBudget: epochBudget))
            }
            var row = word.padding(toLength: 10, withPad: " ", startingAt: 0)
            for mark in marks {
                let values = traces.map { trace in trace.points.last { $0.epochs <= mark }?.best ?? 0 }
                let (mean, error) = meanAndStandardError(values)
                row += String(format: " %7.4f±%.4f", mean, error)
            }
            let proposals = Double(traces.reduce(0) { $0 + $1.proposals }) / Double(max(1, traces.count))
            print(
                row
                    + String(
                        format: "   (%.0f proposals per search, %.0f s)", proposals, Date().timeIntervalSince(started)))
            if word == "metaqnn" {
                for trace in traces {
                    for (epsilon, values) in trace.byEpsilon { epsilonRows[epsilon, default: []] += values }
                }
            }
        }
        print("")
        print("MetaQNN: mean validation accuracy of the networks proposed at each ε (all seeds)")
        print("ε      networks  mean accuracy  standard error")
        for epsilon in epsilonRows.keys.sorted(by: >) {
            let values = epsilonRows[epsilon] ?? []
            let (mean, error) = meanAndStandardError(values)
            print(String(format: "%.1f    %8d  %13.4f  %14.4f", epsilon, values.count, mean, error))
        }
    }

    /// One search with one seed, until `epochBudget` epochs are trained or the strategy ends.
    static func search(section: String, seed: UInt64, epochBudget: Int) throws -> Trace {
        let yaml = """
            name: surrogate-search
            seed: \(seed)
            \(space)
            \(section)
            training: {epochs: 20}
            trainer: {builtin: surrogate}
            """
        let configuration = try RunConfiguration(yaml: yaml, file: "surrogate-search.yaml")
        var strategy = try SearchSetup.makeStrategy(for: configuration)
        let surrogate = SurrogateBenchmark()
        var trace = Trace()
        var proposed: [Int: Candidate] = [:]
        var trainedEpochs: [Int: Int] = [:]
        var known: [String: [Double]] = [:]
        var epochs = 0
        var best = 0.0
        var stalled = 0
        while epochs < epochBudget && stalled < 10_000 {
            let candidate: Candidate
            var isNewNetwork = false
            trace.proposals += 1
            switch try strategy.propose() {
            case .train(let proposal):
                candidate = proposal
                isNewNetwork = true
            case .continueTraining(let id, let budget):
                guard var earlier = proposed[id] else { throw BenchError("continue of unknown proposal \(id)") }
                earlier.budget = budget
                candidate = earlier
            case .waitForResults, .waitForModel, .exhausted:
                return trace
            }
            proposed[candidate.proposalID] = candidate
            guard case .sequential(let architecture) = candidate.network else {
                throw BenchError("the surrogate trains sequential networks only")
            }
            let key =
                candidate.network.canonicalNotation + "|" + "\(candidate.hyperparameters.sorted { $0.key < $1.key })"
            var curve: [Double]
            if let cached = known[key], cached.count >= candidate.budget {
                curve = Array(cached.prefix(candidate.budget))
                if isNewNetwork { stalled += 1 }
            } else {
                curve = try surrogate.curve(
                    for: architecture, input: configuration.training.input, hyperparameters: candidate.hyperparameters,
                    seed: seed, budget: candidate.budget)
                let already = isNewNetwork ? (known[key]?.count ?? 0) : (trainedEpochs[candidate.proposalID] ?? 0)
                epochs += max(0, curve.count - already)
                known[key] = curve
                stalled = 0
            }
            trainedEpochs[candidate.proposalID] = curve.count
            if let last = curve.last {
                best = max(best, last)
                trace.points.append((epochs, best))
                if let epsilon = candidate.phase?.epsilon, isNewNetwork {
                    trace.byEpsilon[epsilon, default: []].append(last)
                }
            }
            strategy.observe(
                Observation(proposalID: candidate.proposalID, candidate: candidate, outcome: .completed(curve: curve)))
        }
        return trace
    }

    static func meanAndStandardError(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }
}
