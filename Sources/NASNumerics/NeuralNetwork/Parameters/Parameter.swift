/// A tensor owned by a layer, with the gradient the backward passes accumulate into it.
///
/// A reference type so that a model, its layers and an optimizer all see the same numbers. Running
/// statistics (batch normalization) are parameters that are not trainable: they are saved and loaded
/// with the model but have no gradient and optimizers skip them.
public final class Parameter {
    /// The current value (its shape is fixed by the layer; `load(_:)` checks shapes before assigning).
    public var value: Tensor
    /// The accumulated gradient, of the value's shape (empty for a non-trainable parameter).
    public var gradient: Tensor
    /// Whether optimizers update this parameter.
    public let isTrainable: Bool

    /// Creates a parameter with a zero gradient.
    public init(_ value: Tensor, isTrainable: Bool = true) {
        self.value = value
        self.isTrainable = isTrainable
        self.gradient = Tensor(shape: isTrainable ? value.shape : [0])
    }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        gradient.zero()
    }
}
