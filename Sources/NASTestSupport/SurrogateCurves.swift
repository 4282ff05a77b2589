import Foundation
import NASCore

/// Curves files made with NASCore's surrogate benchmark, for tests of learning-curve predictors
/// (there are no real per-epoch curves in the shared data).
public enum SurrogateCurves {
    /// `count` complete rows: MetaQNN CIFAR-10 networks sampled with `seed`, a log-uniform initial
    /// learning rate in [1e−3, 1e−1] (`learning_rate`), and their surrogate curves over `budget`
    /// epochs (learning-rate step at half the budget).
    public static func records(count: Int, budget: Int, seed: UInt64) throws -> [CurveRecord] {
        var generator = SeededGenerator(seed: seed)
        let space = try MetaQNNSpace(configuration: .cifar10)
        let benchmark = SurrogateBenchmark()
        var records: [CurveRecord] = []
        for index in 0..<count {
            let architecture = try space.sample(using: &generator)
            let learningRate = pow(10, Double.random(in: -3 ... -1, using: &generator))
            let hyperparameters = ["learning_rate": learningRate]
            let curve = try benchmark.curve(
                for: architecture, input: .cifar, hyperparameters: hyperparameters, seed: seed &+ UInt64(index),
                budget: budget)
            records.append(
                CurveRecord(
                    network: .notation(architecture), curve: curve, hyperparameters: hyperparameters,
                    id: String(index)))
        }
        return records
    }
}
