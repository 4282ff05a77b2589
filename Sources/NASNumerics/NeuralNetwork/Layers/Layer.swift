/// A differentiable map from one tensor to another, with a hand-written backward pass.
///
/// `forward` remembers what `backward` needs; `backward` takes the gradient of the loss with respect to
/// the last forward's output, adds the gradients of the layer's parameters into their `gradient`
/// (accumulating, as PyTorch does, until `zeroGradients()`), and returns the gradient with respect to
/// that forward's input.
public protocol Layer: ParameterContainer {
    /// Computes the layer's output and remembers what the backward pass needs.
    ///
    /// - Throws: `NeuralNetworkError` when the input's shape does not fit the layer.
    func forward(_ input: Tensor, context: ComputeContext) throws -> Tensor

    /// Back-propagates `outputGradient` through the last forward pass.
    ///
    /// - Throws: `NeuralNetworkError.backwardWithoutForward` with no forward before it, or
    ///   `.shapeMismatch` when the gradient's shape is not the output's.
    func backward(_ outputGradient: Tensor) throws -> Tensor
}
