import NASNumerics

/// A trained Peephole model as stored: in a file (`nasd predict train --out`), in the run store,
/// and as `prior.model`. JSON, versioned by `format` and `formatVersion`.
public struct PeepholeModelFile: Equatable, Sendable, Codable {
    /// The value of `format` in every Peephole model file.
    public static let formatName = "nasd.peephole"
    /// The version this build writes (2 added `statistics` and `settings.globalStatistics`).
    public static let currentFormatVersion = 2
    /// The versions this build reads: a version-1 file is a model without global statistics.
    public static let readableFormatVersions: ClosedRange<Int> = 1...2

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
    /// The standardization of the global statistics fit on the training networks; nil when
    /// `settings.globalStatistics` is off (and in every version-1 file).
    public var statistics: PeepholeStatistics.Standardization?
    /// The network predicts `(accuracy − targetShift) / targetScale`: the training networks' mean
    /// and standard deviation when `settings.standardizeTargets` is on, else 0 and 1 (and in every
    /// version-1 file, which has neither key).
    public var targetShift: Double?
    /// See `targetShift`.
    public var targetScale: Double?

    /// Creates a file of the current version.
    public init(
        settings: PeepholeSettings, seed: UInt64, state: ModelState, trainedPredictions: [Double], trainedEpochs: [Int],
        statistics: PeepholeStatistics.Standardization?, targetShift: Double, targetScale: Double
    ) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.settings = settings
        self.seed = seed
        self.state = state
        self.trainedPredictions = trainedPredictions
        self.trainedEpochs = trainedEpochs
        self.statistics = statistics
        self.targetShift = targetShift
        self.targetScale = targetScale
    }

    /// An accuracy from the network's output.
    func accuracy(fromOutput output: Double) -> Double { output * (targetScale ?? 1) + (targetShift ?? 0) }
}
