import NASNumerics

/// A trained Peephole model as stored: in a file (`nasd predict train --out`), in the run store,
/// and as `prior.model`. JSON, versioned by `format` and `formatVersion`.
public struct PeepholeModelFile: Equatable, Sendable, Codable {
    /// The value of `format` in every Peephole model file.
    public static let formatName = "nasd.peephole"
    /// The version this build writes and reads.
    public static let currentFormatVersion = 1

    /// Always `nasd.peephole`.
    public var format: String
    /// The file's format version.
    public var formatVersion: Int
    /// The sizes and recipe the model was trained with (the sizes are needed to rebuild it).
    public var settings: PeepholeSettings
    /// The seed it was trained with.
    public var seed: UInt64
    /// The parameters (NASNumerics' `ModelState`, names as in `PeepholeNetwork`).
    public var state: ModelState
    /// The model's own predictions for the networks it was trained on, ascending: the reference
    /// a quantile veto compares against.
    public var trainedPredictions: [Double]
    /// The epochs the model was trained at, ascending: a prediction at another epoch uses the
    /// nearest of these (the epoch table's other rows were never trained).
    public var trainedEpochs: [Int]

    /// Creates a file of the current version.
    public init(
        settings: PeepholeSettings, seed: UInt64, state: ModelState, trainedPredictions: [Double], trainedEpochs: [Int]
    ) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.settings = settings
        self.seed = seed
        self.state = state
        self.trainedPredictions = trainedPredictions
        self.trainedEpochs = trainedEpochs
    }
}
