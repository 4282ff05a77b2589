import XCTest

@testable import NASNumerics

/// A seeded generator for the tests (the test target does not depend on NASCore's `SeededGenerator`).
struct TestGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        // SplitMix64 (Steele, Lea & Flood 2014).
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func tensor(_ shape: [Int], scale: Float = 1) -> Tensor {
        WeightInitialization.uniform(shape: shape, bound: scale, using: &self)
    }
}

/// Central finite differences against a hand-written backward pass.
///
/// The scalar objective is `Σ r ⊙ output` for a fixed random `r` (so every output element matters),
/// summed in double precision; each checked coordinate is moved by ±`step` and the numerical slope
/// compared with the analytical gradient within `absoluteTolerance + relativeTolerance·|slope|`.
/// Float32 forward passes limit the attainable agreement to about 1e-3 relative with step 1e-2.
struct GradientCheck {
    var step: Float = 1e-2
    var absoluteTolerance: Double = 2e-3
    var relativeTolerance: Double = 2e-2
    /// At most this many coordinates per tensor are checked (evenly spread), to keep debug tests fast.
    var coordinatesPerTensor = 48

    /// A tensor that finite differences perturb: a layer input held in a box, or a parameter.
    final class Variable {
        let name: String
        let read: () -> Tensor
        let write: (Tensor) -> Void
        var analyticalGradient = Tensor(shape: [0])

        init(name: String, read: @escaping () -> Tensor, write: @escaping (Tensor) -> Void) {
            self.name = name
            self.read = read
            self.write = write
        }
    }

    /// Checks every variable's analytical gradient.
    ///
    /// - Parameters:
    ///   - variables: what to perturb.
    ///   - forward: runs the computation from the variables' current values.
    ///   - backward: back-propagates an output gradient and fills each variable's `analyticalGradient`.
    func verify(
        _ variables: [Variable], forward: () throws -> Tensor, backward: (Tensor) throws -> Void,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var generator = TestGenerator(seed: 99)
        let output = try forward()
        let projection = generator.tensor(output.shape)
        try backward(projection)
        func objective() throws -> Double {
            let output = try forward()
            return zip(output.scalars, projection.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        var checked = 0
        for variable in variables {
            let original = variable.read()
            XCTAssertEqual(
                variable.analyticalGradient.shape, original.shape, "\(variable.name) gradient shape",
                file: file, line: line)
            let stride = max(1, original.count / coordinatesPerTensor)
            for index in Swift.stride(from: 0, to: original.count, by: stride) {
                var perturbed = original
                perturbed.scalars[index] = original.scalars[index] + step
                variable.write(perturbed)
                let plus = try objective()
                perturbed.scalars[index] = original.scalars[index] - step
                variable.write(perturbed)
                let minus = try objective()
                variable.write(original)
                let numerical = (plus - minus) / (2 * Double(step))
                let analytical = Double(variable.analyticalGradient.scalars[index])
                XCTAssertEqual(
                    analytical, numerical, accuracy: absoluteTolerance + relativeTolerance * abs(numerical),
                    "\(variable.name)[\(index)]", file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0, "no coordinate was checked", file: file, line: line)
    }

    /// Checks a `Layer`: its input gradient and every trainable parameter's gradient.
    func verify(
        _ layer: some Layer, input: Tensor, context: ComputeContext = .training,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        var current = input
        let inputVariable = Variable(name: "input", read: { current }, write: { current = $0 })
        let parameterVariables = layer.namedParameters.filter { $0.parameter.isTrainable }.map { name, parameter in
            Variable(name: name, read: { parameter.value }, write: { parameter.value = $0 })
        }
        try verify(
            [inputVariable] + parameterVariables,
            forward: { try layer.forward(current, context: context) },
            backward: { gradient in
                layer.zeroGradients()
                inputVariable.analyticalGradient = try layer.backward(gradient)
                for (variable, parameter) in zip(parameterVariables, layer.trainableParameters) {
                    variable.analyticalGradient = parameter.gradient
                }
            }, file: file, line: line)
    }
}
