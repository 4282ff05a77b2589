/// The saved values of a model's parameters: a versioned, `Codable` list of named tensors.
///
/// Encode it with any `Encoder` (the predictors store it as JSON in their model files and in the run
/// store); `ParameterContainer.load(_:)` checks names and shapes before changing anything.
public struct ModelState: Sendable, Equatable, Codable {
    /// The format this build writes and reads.
    public static let currentFormatVersion = 1

    /// One parameter's name and value.
    public struct Entry: Sendable, Equatable, Codable {
        /// The parameter's path name.
        public var name: String
        /// Its value.
        public var tensor: Tensor

        /// Creates an entry.
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }

    /// The format version this state was written with.
    public var formatVersion: Int
    /// The parameters, in the model's order.
    public var entries: [Entry]

    /// Creates a state of the current format version.
    public init(entries: [Entry]) {
        self.formatVersion = Self.currentFormatVersion
        self.entries = entries
    }
}
