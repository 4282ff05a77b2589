import XCTest

@testable import NASNumerics

/// Finite-difference checks of every layer's and loss's hand-written backward pass.
final class NeuralNetworkGradientCheckTests: XCTestCase {
    func testLinearGradients() throws {
        var generator = TestGenerator(seed: 1)
        let layer = Linear(inputSize: 7, outputSize: 5, using: &generator)
        try GradientCheck().verify(layer, input: generator.tensor([6, 7]))
    }

    func testReLUGradients_awayFromTheKink() throws {
        var generator = TestGenerator(seed: 2)
        var input = generator.tensor([4, 9])
        for index in input.scalars.indices where abs(input.scalars[index]) < 0.05 {
            input.scalars[index] = 0.3
        }
        try GradientCheck().verify(ReLU(), input: input)
    }

    func testBatchNormalizationGradients_inTrainingMode() throws {
        var generator = TestGenerator(seed: 3)
        let layer = BatchNormalization(featureCount: 4)
        layer.scale.value = generator.tensor([4], scale: 2)
        layer.shift.value = generator.tensor([4])
        try GradientCheck().verify(layer, input: generator.tensor([8, 4], scale: 3))
    }

    func testBatchNormalizationGradients_overChannelsOfImages() throws {
        var generator = TestGenerator(seed: 4)
        let layer = BatchNormalization(featureCount: 3)
        layer.scale.value = generator.tensor([3], scale: 2)
        try GradientCheck().verify(layer, input: generator.tensor([2, 3, 3, 3], scale: 2))
    }

    func testBatchNormalizationGradients_inInferenceMode() throws {
        var generator = TestGenerator(seed: 5)
        let layer = BatchNormalization(featureCount: 4)
        layer.runningMean.value = generator.tensor([4])
        layer.runningVariance.value = try Tensor(shape: [4], scalars: [0.5, 1, 2, 4])
        try GradientCheck().verify(layer, input: generator.tensor([5, 4]), context: .inference)
    }

    func testConvolutionGradients_withPaddingAndWithStride() throws {
        var generator = TestGenerator(seed: 6)
        let padded = try Convolution2D(
            inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1, using: &generator)
        try GradientCheck().verify(padded, input: generator.tensor([2, 3, 5, 5]))
        let strided = try Convolution2D(
            inputChannels: 2, outputChannels: 3, kernelSize: 2, stride: 2, using: &generator)
        try GradientCheck().verify(strided, input: generator.tensor([2, 2, 7, 7]))
    }

    func testMaxPoolingGradients_withDistinctValues() throws {
        // A permutation of well-separated values keeps every window's maximum unique under ±step.
        var generator = TestGenerator(seed: 7)
        var order = Array(0..<(2 * 2 * 6 * 6))
        order.shuffle(using: &generator)
        let input = try Tensor(shape: [2, 2, 6, 6], scalars: order.map { Float($0) * 0.1 })
        try GradientCheck().verify(try Pooling2D(.max, kernelSize: 2), input: input)
        try GradientCheck().verify(try Pooling2D(.max, kernelSize: 3, stride: 2, padding: 1), input: input)
    }

    func testAveragePoolingGradients() throws {
        var generator = TestGenerator(seed: 8)
        let input = generator.tensor([2, 2, 5, 5])
        try GradientCheck().verify(try Pooling2D(.average, kernelSize: 2), input: input)
        try GradientCheck().verify(try Pooling2D(.average, kernelSize: 3, stride: 1, padding: 1), input: input)
    }

    func testSequentialConvolutionStackGradients() throws {
        var generator = TestGenerator(seed: 9)
        let model = Sequential([
            try Convolution2D(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, using: &generator),
            BatchNormalization(featureCount: 3), try Pooling2D(.average, kernelSize: 2), Flatten(),
            Linear(inputSize: 12, outputSize: 2, using: &generator),
        ])
        try GradientCheck().verify(model, input: generator.tensor([3, 2, 4, 4]))
    }

    func testEmbeddingGradients_withRepeatedIndices() throws {
        var generator = TestGenerator(seed: 10)
        let embedding = Embedding(count: 6, dimension: 3, using: &generator)
        let indices = [4, 1, 4, 0, 5]
        let weight = GradientCheck.Variable(
            name: "weight", read: { embedding.weight.value }, write: { embedding.weight.value = $0 })
        try GradientCheck().verify(
            [weight], forward: { try embedding.forward(indices) },
            backward: { gradient in
                embedding.zeroGradients()
                try embedding.backward(gradient)
                weight.analyticalGradient = embedding.weight.gradient
            })
    }

    func testLSTMGradients_withVariableLengthSequences() throws {
        var generator = TestGenerator(seed: 11)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, using: &generator)
        var input = generator.tensor([3, 5, 3], scale: 1.5)
        let lengths = [2, 5, 3]
        let inputVariable = GradientCheck.Variable(name: "input", read: { input }, write: { input = $0 })
        let parameterVariables = lstm.namedParameters.map { name, parameter in
            GradientCheck.Variable(name: name, read: { parameter.value }, write: { parameter.value = $0 })
        }
        var inputGradient = Tensor(shape: [0])
        try GradientCheck(coordinatesPerTensor: 64).verify(
            [inputVariable] + parameterVariables,
            forward: { try lstm.forward(input, lengths: lengths, context: .training) },
            backward: { gradient in
                lstm.zeroGradients()
                inputGradient = try lstm.backward(gradient)
                inputVariable.analyticalGradient = inputGradient
                for (variable, parameter) in zip(parameterVariables, lstm.trainableParameters) {
                    variable.analyticalGradient = parameter.gradient
                }
            })
        // Padded positions do not influence the output, so their gradient is exactly zero.
        for (sequence, length) in lengths.enumerated() {
            for step in length..<5 {
                for feature in 0..<3 {
                    XCTAssertEqual(inputGradient[sequence, step, feature], 0)
                }
            }
        }
    }

    private func verifyLoss(
        _ evaluate: @escaping (Tensor) throws -> LossValue, at predictions: Tensor,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var current = predictions
        let variable = GradientCheck.Variable(name: "predictions", read: { current }, write: { current = $0 })
        try GradientCheck(step: 1e-3).verify(
            [variable], forward: { try Tensor(shape: [1], scalars: [try evaluate(current).value]) },
            backward: { projection in
                variable.analyticalGradient = try evaluate(current).gradient
                for index in variable.analyticalGradient.scalars.indices {
                    variable.analyticalGradient.scalars[index] *= projection.scalars[0]
                }
            }, file: file, line: line)
    }

    func testSmoothL1AndMeanSquaredErrorGradients_onBothSidesOfBeta() throws {
        let targets = try Tensor(shape: [6], scalars: [0, 1, -1, 2, 0.5, -0.25])
        let predictions = try Tensor(shape: [6], scalars: [0.3, -0.5, -0.8, 3.7, 0.45, 1.5])
        try verifyLoss({ try SmoothL1Loss(beta: 1).evaluate(predictions: $0, targets: targets) }, at: predictions)
        try verifyLoss(
            { try SmoothL1Loss(beta: 0.5, reduction: .sum).evaluate(predictions: $0, targets: targets) },
            at: predictions)
        try verifyLoss({ try MeanSquaredErrorLoss().evaluate(predictions: $0, targets: targets) }, at: predictions)
    }

    func testPairwiseRankingHingeGradients_awayFromTheHinge() throws {
        let targets = try Tensor(shape: [5], scalars: [0.9, 0.2, 0.5, 0.2, 0.7])
        let predictions = try Tensor(shape: [5], scalars: [0.13, 0.61, 0.37, 0.05, 0.89])
        let loss = PairwiseRankingHingeLoss(margin: 0.2)
        try verifyLoss({ try loss.evaluate(predictions: $0, targets: targets) }, at: predictions)
        try verifyLoss(
            { try loss.evaluate(predictions: $0, targets: targets, pairs: [(1, 0), (2, 4), (3, 1)]) },
            at: predictions)
    }

    func testPairwiseRankingHingeValue_countsOnlyOrderedPairsInsideTheMargin() throws {
        // Pairs (better, worse): (0,1) slack 1−(3−1)<0; (0,2) slack 1−(3−2.5)=0.5; (2,1) slack 1−(2.5−1)<0.
        let loss = try PairwiseRankingHingeLoss(margin: 1, reduction: .sum).evaluate(
            predictions: try Tensor(shape: [3], scalars: [3, 1, 2.5]),
            targets: try Tensor(shape: [3], scalars: [0.9, 0.1, 0.5]))
        XCTAssertEqual(loss.value, 0.5, accuracy: 1e-6)
        XCTAssertEqual(loss.gradient.scalars, [-1, 0, 1])
        XCTAssertThrowsError(
            try PairwiseRankingHingeLoss().evaluate(
                predictions: Tensor(shape: [2]), targets: Tensor(shape: [2]), pairs: [(0, 2)]))
    }

    func testTripletMarginGradients() throws {
        var generator = TestGenerator(seed: 12)
        var tensors = [generator.tensor([4, 3]), generator.tensor([4, 3]), generator.tensor([4, 3], scale: 2)]
        let loss = TripletMarginLoss(margin: 1.5)
        let variables = (0..<3).map { slot in
            GradientCheck.Variable(
                name: ["anchor", "positive", "negative"][slot], read: { tensors[slot] },
                write: { tensors[slot] = $0 })
        }
        try GradientCheck(step: 1e-3).verify(
            variables,
            forward: {
                try Tensor(
                    shape: [1],
                    scalars: [try loss.evaluate(anchor: tensors[0], positive: tensors[1], negative: tensors[2]).value])
            },
            backward: { projection in
                let value = try loss.evaluate(anchor: tensors[0], positive: tensors[1], negative: tensors[2])
                for (variable, gradient) in zip(
                    variables, [value.anchorGradient, value.positiveGradient, value.negativeGradient])
                {
                    var scaled = gradient
                    for index in scaled.scalars.indices {
                        scaled.scalars[index] *= projection.scalars[0]
                    }
                    variable.analyticalGradient = scaled
                }
            })
    }
}
