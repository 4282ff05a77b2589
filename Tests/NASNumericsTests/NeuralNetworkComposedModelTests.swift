import XCTest

@testable import NASNumerics

/// The toolkit's pieces composed the way Peephole (§3) and RNAS (§4) use them, trained a few steps
/// on fixed toy problems; and their results are bit-identical whatever the thread count.
final class NeuralNetworkComposedModelTests: XCTestCase {
    /// Peephole's shape: layer-code embeddings → LSTM → last hidden state ⊕ epoch embedding → MLP
    /// (3 linear layers, BN, ReLU) → 1 output.
    final class PeepholeShapedModel: ParameterContainer {
        let typeTable: Embedding
        let kernelTable: Embedding
        let ratioTable: Embedding
        let epochTable: Embedding
        let lstm: LSTM
        let mlp: Sequential
        private var lastLayout: (lengths: [Int], steps: Int, types: [Int], kernels: [Int], ratios: [Int])?

        init(embedding: Int, hidden: Int, mlpWidth: Int, using generator: inout some RandomNumberGenerator) {
            typeTable = Embedding(count: 8, dimension: embedding, using: &generator)
            kernelTable = Embedding(count: 6, dimension: embedding, using: &generator)
            ratioTable = Embedding(count: 9, dimension: embedding, using: &generator)
            epochTable = Embedding(count: 4, dimension: embedding, using: &generator)
            lstm = LSTM(inputSize: 4 * embedding, hiddenSize: hidden, using: &generator)
            mlp = Sequential([
                Linear(inputSize: hidden + embedding, outputSize: mlpWidth, using: &generator),
                BatchNormalization(featureCount: mlpWidth), ReLU(),
                Linear(inputSize: mlpWidth, outputSize: mlpWidth, using: &generator),
                BatchNormalization(featureCount: mlpWidth), ReLU(),
                Linear(inputSize: mlpWidth, outputSize: 1, using: &generator),
            ])
        }

        var namedParameters: [(name: String, parameter: Parameter)] {
            prefixedParameters("type", typeTable) + prefixedParameters("kernel", kernelTable)
                + prefixedParameters("ratio", ratioTable) + prefixedParameters("epoch", epochTable)
                + prefixedParameters("lstm", lstm) + prefixedParameters("mlp", mlp)
        }

        /// `networks[b]` is a list of (type, kernel width, kernel height, ratio) codes.
        func forward(_ networks: [[(Int, Int, Int, Int)]], epochs: [Int], context: ComputeContext) throws -> Tensor {
            let lengths = networks.map(\.count)
            let steps = lengths.max() ?? 0
            let width = typeTable.dimension
            let codes = networks.flatMap { $0 }
            let types = try typeTable.forward(codes.map(\.0))
            let kernels = try kernelTable.forward(codes.map(\.1) + codes.map(\.2))
            let ratios = try ratioTable.forward(codes.map(\.3))
            var sequences = Tensor(shape: [networks.count, steps, 4 * width])
            var position = 0
            for (b, network) in networks.enumerated() {
                for t in 0..<network.count {
                    let row = (b * steps + t) * 4 * width
                    for j in 0..<width {
                        sequences.scalars[row + j] = types.scalars[position * width + j]
                        sequences.scalars[row + width + j] = kernels.scalars[position * width + j]
                        sequences.scalars[row + 2 * width + j] = kernels.scalars[(codes.count + position) * width + j]
                        sequences.scalars[row + 3 * width + j] = ratios.scalars[position * width + j]
                    }
                    position += 1
                }
            }
            lastLayout = (lengths, steps, codes.map(\.0), codes.map(\.1) + codes.map(\.2), codes.map(\.3))
            let structure = try lstm.forward(sequences, lengths: lengths, context: context)
            let features = try Tensor.concatenatingColumns([structure, try epochTable.forward(epochs)])
            return try mlp.forward(features, context: context)
        }

        func backward(_ outputGradient: Tensor) throws {
            guard let layout = lastLayout else { throw NeuralNetworkError.backwardWithoutForward(layer: "model") }
            let featureGradient = try mlp.backward(outputGradient)
            let parts = try featureGradient.splittingColumns(widths: [lstm.hiddenSize, epochTable.dimension])
            try epochTable.backward(parts[1])
            let sequenceGradient = try lstm.backward(parts[0])
            let width = typeTable.dimension
            let count = layout.types.count
            var types = Tensor(shape: [count, width])
            var kernels = Tensor(shape: [2 * count, width])
            var ratios = Tensor(shape: [count, width])
            var position = 0
            for (b, length) in layout.lengths.enumerated() {
                for t in 0..<length {
                    let row = (b * layout.steps + t) * 4 * width
                    for j in 0..<width {
                        types.scalars[position * width + j] = sequenceGradient.scalars[row + j]
                        kernels.scalars[position * width + j] = sequenceGradient.scalars[row + width + j]
                        kernels.scalars[(count + position) * width + j] = sequenceGradient.scalars[row + 2 * width + j]
                        ratios.scalars[position * width + j] = sequenceGradient.scalars[row + 3 * width + j]
                    }
                    position += 1
                }
            }
            try typeTable.accumulateGradient(types, for: layout.types)
            try kernelTable.accumulateGradient(kernels, for: layout.kernels)
            try ratioTable.accumulateGradient(ratios, for: layout.ratios)
        }
    }

    /// A fixed toy problem: the target rises with the share of type-1 layers and with the epoch.
    private func toyNetworks(count: Int, seed: UInt64) -> (
        networks: [[(Int, Int, Int, Int)]], epochs: [Int], targets: Tensor
    ) {
        var generator = TestGenerator(seed: seed)
        var networks: [[(Int, Int, Int, Int)]] = []
        var epochs: [Int] = []
        var targets = Tensor(shape: [count, 1])
        for index in 0..<count {
            let length = 2 + Int(generator.next() % 7)
            let network = (0..<length).map { _ in
                (
                    Int(generator.next() % 8), Int(generator.next() % 6), Int(generator.next() % 6),
                    Int(generator.next() % 9)
                )
            }
            let epoch = Int(generator.next() % 4)
            networks.append(network)
            epochs.append(epoch)
            let share = Float(network.filter { $0.0 == 1 }.count) / Float(length)
            targets.scalars[index] = 0.2 + 0.5 * share + 0.05 * Float(epoch)
        }
        return (networks, epochs, targets)
    }

    private func trainPeephole(steps: Int, parallelism: Parallelism) throws -> (
        losses: [Float], model: PeepholeShapedModel
    ) {
        var generator = TestGenerator(seed: 21)
        let model = PeepholeShapedModel(embedding: 8, hidden: 16, mlpWidth: 20, using: &generator)
        let data = toyNetworks(count: 24, seed: 22)
        var optimizer = Adam(learningRate: 0.01)
        let loss = SmoothL1Loss(beta: 0.1)
        var losses: [Float] = []
        for _ in 0..<steps {
            model.zeroGradients()
            let predictions = try model.forward(
                data.networks, epochs: data.epochs, context: ComputeContext(isTraining: true, parallelism: parallelism))
            let value = try loss.evaluate(predictions: predictions, targets: data.targets)
            losses.append(value.value)
            try model.backward(value.gradient)
            try optimizer.step(model.trainableParameters)
        }
        return (losses, model)
    }

    func testPeepholeShapedModelLearnsToyProblem() throws {
        let (losses, model) = try trainPeephole(steps: 40, parallelism: .serial)
        let first = try XCTUnwrap(losses.first)
        let last = try XCTUnwrap(losses.last)
        XCTAssertLessThan(last, 0.3 * first, "smooth L1 went from \(first) to \(last)")
        let data = toyNetworks(count: 24, seed: 22)
        let inference = try model.forward(data.networks, epochs: data.epochs, context: .inference)
        XCTAssertEqual(inference.shape, [24, 1])
        XCTAssertTrue(inference.scalars.allSatisfy(\.isFinite))
    }

    func testPeepholeShapedModelComposesAtThePapersSizes() throws {
        var generator = TestGenerator(seed: 23)
        let model = PeepholeShapedModel(embedding: 40, hidden: 160, mlpWidth: 200, using: &generator)
        let data = toyNetworks(count: 4, seed: 24)
        model.zeroGradients()
        let predictions = try model.forward(data.networks, epochs: data.epochs, context: .training)
        XCTAssertEqual(predictions.shape, [4, 1])
        try model.backward(
            try MeanSquaredErrorLoss().evaluate(predictions: predictions, targets: data.targets).gradient)
        XCTAssertEqual(model.lstm.weightHiddenHidden.value.shape, [640, 160])
        XCTAssertTrue(model.lstm.weightHiddenHidden.gradient.scalars.contains { $0 != 0 })
        XCTAssertTrue(model.typeTable.weight.gradient.scalars.contains { $0 != 0 })
    }

    func testTrainingIsBitIdentical_withOneOrFourThreads() throws {
        let serial = try trainPeephole(steps: 3, parallelism: .serial)
        let parallel = try trainPeephole(steps: 3, parallelism: Parallelism(threadCount: 4))
        XCTAssertEqual(serial.losses.map(\.bitPattern), parallel.losses.map(\.bitPattern))
        for ((name, a), (_, b)) in zip(serial.model.namedParameters, parallel.model.namedParameters) {
            XCTAssertEqual(a.value.scalars.map(\.bitPattern), b.value.scalars.map(\.bitPattern), name)
        }
    }

    /// RNAS's shape: conv + BN + ReLU ×2 → FC 120 → 84 → 1 over 19×7×7 cell tensors, trained with the
    /// pairwise hinge loss plus λ × the triplet loss on the 84-d features.
    func testRankingCNNLearnsToOrderToyCells() throws {
        var generator = TestGenerator(seed: 31)
        let features = Sequential([
            try Convolution2D(inputChannels: 19, outputChannels: 4, kernelSize: 3, padding: 1, using: &generator),
            BatchNormalization(featureCount: 4), ReLU(),
            try Convolution2D(inputChannels: 4, outputChannels: 4, kernelSize: 3, padding: 1, using: &generator),
            BatchNormalization(featureCount: 4), ReLU(),
            Flatten(),
            Linear(inputSize: 4 * 49, outputSize: 120, using: &generator), ReLU(),
            Linear(inputSize: 120, outputSize: 84, using: &generator), ReLU(),
        ])
        let head = Linear(inputSize: 84, outputSize: 1, using: &generator)
        let cells = 16
        let input = generator.tensor([cells, 19, 7, 7])
        var targets = Tensor(shape: [cells])
        for cell in 0..<cells {
            // The "accuracy" is a fixed function of the tensor: the mean of channel 0's upper rows.
            var sum: Float = 0
            for index in 0..<21 {
                sum += input.scalars[cell * 19 * 49 + index]
            }
            targets.scalars[cell] = sum / 21
        }
        // Triplets: each cell, the cell of nearest target (positive), the cell of farthest target (negative).
        let order = (0..<cells).sorted { targets.scalars[$0] < targets.scalars[$1] }
        var triplets: [(Int, Int, Int)] = []
        for (rank, cell) in order.enumerated() {
            let positive = order[rank == 0 ? 1 : rank - 1]
            let negative = rank < cells / 2 ? order[cells - 1] : order[0]
            triplets.append((cell, positive, negative))
        }
        let ranking = PairwiseRankingHingeLoss(margin: 0.1)
        let continuity = TripletMarginLoss(margin: 1)
        let lambda: Float = 0.1
        var optimizer = Adam(learningRate: 0.003)
        let parameters = features.trainableParameters + head.trainableParameters
        var rankingLosses: [Float] = []
        for _ in 0..<10 {
            features.zeroGradients()
            head.zeroGradients()
            let embedded = try features.forward(input, context: .training)
            let scores = try head.forward(embedded, context: .training)
            let rankingValue = try ranking.evaluate(predictions: scores, targets: targets)
            rankingLosses.append(rankingValue.value)
            var featureGradient = try head.backward(rankingValue.gradient)
            let width = 84
            func rows(_ indices: [Int]) throws -> Tensor {
                try Tensor(
                    shape: [indices.count, width],
                    scalars: indices.flatMap {
                        embedded.scalars[($0 * width)..<(($0 + 1) * width)]
                    })
            }
            let triplet = try continuity.evaluate(
                anchor: try rows(triplets.map(\.0)), positive: try rows(triplets.map(\.1)),
                negative: try rows(triplets.map(\.2)))
            for (slot, gradient) in [triplet.anchorGradient, triplet.positiveGradient, triplet.negativeGradient]
                .enumerated()
            {
                for (row, t) in triplets.enumerated() {
                    let cell = [t.0, t.1, t.2][slot]
                    for j in 0..<width {
                        featureGradient.scalars[cell * width + j] += lambda * gradient.scalars[row * width + j]
                    }
                }
            }
            _ = try features.backward(featureGradient)
            try optimizer.step(parameters)
        }
        let first = try XCTUnwrap(rankingLosses.first)
        let last = try XCTUnwrap(rankingLosses.last)
        XCTAssertLessThan(last, 0.5 * first, "ranking hinge went from \(first) to \(last)")
    }
}
