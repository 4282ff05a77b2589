import Foundation
import XCTest

@testable import NASNumerics

/// Saving and loading parameters and optimizer state.
final class NeuralNetworkParameterStateTests: XCTestCase {
    private func makeModel(seed: UInt64, hidden: Int = 6) -> Sequential {
        var generator = TestGenerator(seed: seed)
        return Sequential([
            Linear(inputSize: 4, outputSize: hidden, using: &generator), BatchNormalization(featureCount: hidden),
            ReLU(),
            Linear(inputSize: hidden, outputSize: 1, using: &generator),
        ])
    }

    func testSavedStateRoundTripsThroughJSON_andReproducesOutputsBitForBit() throws {
        var generator = TestGenerator(seed: 40)
        let input = generator.tensor([5, 4])
        let trained = makeModel(seed: 1)
        _ = try trained.forward(input, context: .training)  // moves the running statistics
        let expected = try trained.forward(input, context: .inference)
        let data = try JSONEncoder().encode(trained.state())
        let restored = makeModel(seed: 2)
        XCTAssertNotEqual(try restored.forward(input, context: .inference), expected)
        try restored.load(try JSONDecoder().decode(ModelState.self, from: data))
        XCTAssertEqual(
            try restored.forward(input, context: .inference).scalars.map(\.bitPattern),
            expected.scalars.map(\.bitPattern))
        XCTAssertEqual(
            trained.namedParameters.map(\.name),
            ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "3.weight", "3.bias"])
        XCTAssertEqual(trained.trainableParameters.count, 6)
    }

    func testLoadRejectsAStateOfAnotherShape_andChangesNothing() throws {
        let model = makeModel(seed: 3)
        let before = model.state()
        XCTAssertThrowsError(try model.load(makeModel(seed: 4, hidden: 7).state())) { error in
            XCTAssertEqual(
                error as? NeuralNetworkError,
                .stateMismatch(parameter: "0.weight", reason: "shape [7, 4] in the state, [6, 4] in the model"))
        }
        XCTAssertEqual(model.state(), before)
        var missing = before
        missing.entries.removeLast()
        XCTAssertThrowsError(try model.load(missing)) { error in
            XCTAssertEqual(
                error as? NeuralNetworkError, .stateMismatch(parameter: "3.bias", reason: "missing from the state"))
        }
        var extra = before
        extra.entries.append(ModelState.Entry(name: "4.weight", tensor: Tensor(shape: [1])))
        XCTAssertThrowsError(try model.load(extra)) { error in
            XCTAssertEqual(
                error as? NeuralNetworkError,
                .stateMismatch(parameter: "4.weight", reason: "not a parameter of this model"))
        }
        var future = before
        future.formatVersion = 2
        XCTAssertThrowsError(try model.load(future)) { error in
            XCTAssertEqual(error as? NeuralNetworkError, .unsupportedStateVersion(found: 2, supported: 1))
        }
    }

    func testDecodingATensorWhoseCountDoesNotMatchItsShapeFails() {
        let json = Data(#"{"shape":[2,2],"scalars":[1,2,3]}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Tensor.self, from: json)) { error in
            guard case DecodingError.dataCorrupted = error else {
                return XCTFail("expected dataCorrupted, got \(error)")
            }
        }
    }

    func testOptimizerStateRoundTrips_soAResumedRunMatchesAnUninterruptedOne() throws {
        func gradient(step: Int) -> Tensor {
            var generator = TestGenerator(seed: UInt64(100 + step))
            return generator.tensor([3, 2])
        }
        func run(resumeAfter: Int?) throws -> [UInt32] {
            var generator = TestGenerator(seed: 50)
            let parameter = Parameter(generator.tensor([3, 2]))
            var adam = Adam(learningRate: 0.05, weightDecay: 0.01)
            var sgd = StochasticGradientDescent(learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4)
            for step in 0..<6 {
                if step == resumeAfter {
                    adam = try JSONDecoder().decode(Adam.self, from: try JSONEncoder().encode(adam))
                    sgd = try JSONDecoder().decode(StochasticGradientDescent.self, from: try JSONEncoder().encode(sgd))
                }
                parameter.gradient = gradient(step: step)
                try adam.step([parameter])
                try sgd.step([parameter])
            }
            return parameter.value.scalars.map(\.bitPattern)
        }
        XCTAssertEqual(try run(resumeAfter: 3), try run(resumeAfter: nil))
    }

    func testOptimizerRejectsADifferentParameterList() throws {
        var adam = Adam()
        try adam.step([Parameter(Tensor(shape: [2]))])
        XCTAssertThrowsError(try adam.step([Parameter(Tensor(shape: [3]))])) { error in
            guard
                case NeuralNetworkError.stateMismatch = error as? NeuralNetworkError
                    ?? .stateMismatch(parameter: "", reason: "")
            else {
                return XCTFail("expected stateMismatch, got \(error)")
            }
        }
        XCTAssertThrowsError(try adam.step([Parameter(Tensor(shape: [2]), isTrainable: false)]))
    }

    func testInitialisationIsAPureFunctionOfTheSeed_withPyTorchsBounds() {
        var first = TestGenerator(seed: 7)
        var second = TestGenerator(seed: 7)
        let a = LSTM(inputSize: 3, hiddenSize: 25, using: &first)
        let b = LSTM(inputSize: 3, hiddenSize: 25, using: &second)
        XCTAssertEqual(a.state(), b.state())
        XCTAssertTrue(a.weightHiddenHidden.value.scalars.allSatisfy { abs($0) <= 0.2 })
        XCTAssertGreaterThan(a.weightHiddenHidden.value.scalars.map(abs).max() ?? 0, 0.19)
        var generator = TestGenerator(seed: 8)
        let normal = WeightInitialization.normal(shape: [20_000], using: &generator)
        let mean = normal.scalars.reduce(0, +) / 20_000
        let variance = normal.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 20_000
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}
