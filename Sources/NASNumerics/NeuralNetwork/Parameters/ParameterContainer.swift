/// Something that owns parameters: a layer, a stack of layers, a whole model.
///
/// Names are paths, as in PyTorch's `state_dict` (`"2.weight"`, `"lstm.weightHiddenHidden"`), and the
/// order is fixed, so optimizer state and saved states line up with the parameters.
public protocol ParameterContainer: AnyObject {
    /// Every parameter (trainable or not) with its name, in a fixed order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension ParameterContainer {
    /// The trainable parameters, in the order of `namedParameters`.
    public var trainableParameters: [Parameter] {
        namedParameters.map(\.parameter).filter(\.isTrainable)
    }

    /// The number of trainable scalars.
    public var trainableScalarCount: Int {
        trainableParameters.reduce(0) { $0 + $1.value.count }
    }

    /// Sets every gradient to zero (call before each backward pass).
    public func zeroGradients() {
        for parameter in trainableParameters {
            parameter.zeroGradient()
        }
    }

    /// A snapshot of every parameter's value, for saving.
    public func state() -> ModelState {
        ModelState(entries: namedParameters.map { ModelState.Entry(name: $0.name, tensor: $0.parameter.value) })
    }

    /// Replaces every parameter's value by the snapshot's.
    ///
    /// Nothing is changed unless the whole state fits.
    ///
    /// - Throws: `NeuralNetworkError.unsupportedStateVersion` for an unknown format, or `.stateMismatch`
    ///   naming the first parameter that is missing, unexpected or of another shape.
    public func load(_ state: ModelState) throws {
        guard state.formatVersion == ModelState.currentFormatVersion else {
            throw NeuralNetworkError.unsupportedStateVersion(
                found: state.formatVersion, supported: ModelState.currentFormatVersion)
        }
        let parameters = namedParameters
        var byName: [String: Tensor] = [:]
        for entry in state.entries {
            guard byName.updateValue(entry.tensor, forKey: entry.name) == nil else {
                throw NeuralNetworkError.stateMismatch(parameter: entry.name, reason: "appears twice in the state")
            }
        }
        for (name, parameter) in parameters {
            guard let tensor = byName[name] else {
                throw NeuralNetworkError.stateMismatch(parameter: name, reason: "missing from the state")
            }
            guard tensor.shape == parameter.value.shape else {
                throw NeuralNetworkError.stateMismatch(
                    parameter: name, reason: "shape \(tensor.shape) in the state, \(parameter.value.shape) in the model"
                )
            }
        }
        if state.entries.count != parameters.count {
            let known = Set(parameters.map(\.name))
            let extra = state.entries.first { !known.contains($0.name) }?.name ?? "?"
            throw NeuralNetworkError.stateMismatch(parameter: extra, reason: "not a parameter of this model")
        }
        for (name, parameter) in parameters {
            if let tensor = byName[name] {
                parameter.value = tensor
            }
        }
    }
}

/// Names the parameters of child containers with a path prefix (`"mlp.0.weight"`).
public func prefixedParameters(
    _ prefix: String, _ container: some ParameterContainer
) -> [(name: String, parameter: Parameter)] {
    container.namedParameters.map { (name: "\(prefix).\($0.name)", parameter: $0.parameter) }
}
