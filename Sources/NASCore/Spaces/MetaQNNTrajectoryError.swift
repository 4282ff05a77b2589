/// Why an architecture is not a trajectory of a `MetaQNNSpace`.
public enum MetaQNNTrajectoryError: Error, Hashable, Sendable {
    /// The layer at `index` (of the architecture's layer list, dropout included) is not a legal
    /// action from the state reached before it.
    case layerNotInSpace(index: Int, layer: Layer, from: MetaQNNState)
    /// A layer follows the softmax.
    case layerAfterSoftmax(index: Int)
    /// The architecture does not end in `SM(classes)`.
    case missingSoftmax
}
