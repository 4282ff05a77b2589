import Foundation

/// A trained predictor (SRM, Peephole, …) saved as bytes, versioned per name.
public struct StoredPredictorModel: Hashable, Sendable {
    /// The predictor's name, e.g. `"srm"`.
    public var name: String
    /// The version: the model-version rule names which examples it was fit on.
    public var version: Int
    /// The serialized model.
    public var bytes: Data
    /// When it was saved.
    public var savedAt: Date

    /// Creates a model record.
    public init(name: String, version: Int, bytes: Data, savedAt: Date) {
        self.name = name
        self.version = version
        self.bytes = bytes
        self.savedAt = savedAt
    }
}
