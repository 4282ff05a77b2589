import Foundation

extension SurrogateBenchmark {
    /// `count` complete curves-file rows: MetaQNN CIFAR-10 networks sampled with `seed`, a
    /// log-uniform initial learning rate in [1e−3, 1e−1] (`learning_rate`), and their surrogate
    /// curves over `budget` epochs (learning-rate step at half the budget). For measuring
    /// learning-curve predictors where no real per-epoch curves exist (tests, benchmarks).
    public func curveRecords(count: Int, budget: Int, seed: UInt64) throws -> [CurveRecord] {
        var generator = SeededGenerator(seed: seed)
        let space = try MetaQNNSpace(configuration: .cifar10)
        var records: [CurveRecord] = []
        for index in 0..<count {
            let architecture = try space.sample(using: &generator)
            let learningRate = pow(10, Double.random(in: -3 ... -1, using: &generator))
            let hyperparameters = ["learning_rate": learningRate]
            let values = try curve(
                for: architecture, input: .cifar, hyperparameters: hyperparameters, seed: seed &+ UInt64(index),
                budget: budget)
            records.append(
                CurveRecord(
                    network: .notation(architecture), curve: values, hyperparameters: hyperparameters,
                    id: String(index)))
        }
        return records
    }
}
