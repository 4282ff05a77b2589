/// Updates trainable parameters from their accumulated gradients.
///
/// Optimizers are values whose state (momentum buffers, moment estimates, step count) is `Codable`,
/// so a training run can be saved and resumed exactly. The state lines up with the parameters by
/// position: always pass the same list (`model.trainableParameters`).
public protocol Optimizer: Sendable, Codable {
    /// The step size; change it between steps for a schedule.
    var learningRate: Float { get set }

    /// Applies one update to `parameters` using their `gradient`s.
    ///
    /// - Throws: `NeuralNetworkError.stateMismatch` when the parameters are not those of earlier steps.
    mutating func step(_ parameters: [Parameter]) throws
}

extension Optimizer {
    /// Checks that `state` (one buffer per parameter, or none yet) lines up with `parameters`.
    func checkState(_ state: [[Float]], against parameters: [Parameter], name: String) throws {
        guard state.isEmpty || state.count == parameters.count else {
            throw NeuralNetworkError.stateMismatch(
                parameter: name, reason: "optimizer has state for \(state.count) parameters, given \(parameters.count)")
        }
        for (index, parameter) in parameters.enumerated() {
            guard parameter.isTrainable, parameter.gradient.count == parameter.value.count else {
                throw NeuralNetworkError.stateMismatch(
                    parameter: "\(name)[\(index)]", reason: "not a trainable parameter")
            }
            if !state.isEmpty, state[index].count != parameter.value.count {
                throw NeuralNetworkError.stateMismatch(
                    parameter: "\(name)[\(index)]",
                    reason: "optimizer state has \(state[index].count) values, parameter has \(parameter.value.count)")
            }
        }
    }
}
