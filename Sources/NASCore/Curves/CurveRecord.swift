/// One line of a curves file: a network, its validation-accuracy curve and how it was trained.
///
/// The format (JSON Lines) is described in docs/curves-format.md; `CurvesFile` reads and writes
/// it. Values built with the initializer are not checked; `CurvesFile.parse(_:)` checks every
/// field of what it reads.
public struct CurveRecord: Hashable, Sendable {
    /// The network the curve belongs to, in the form the line gave it.
    public var network: CurveNetwork
    /// Validation accuracy per recorded epoch, each in [0, 1].
    public var curve: [Double]
    /// The epoch index of each curve point, strictly increasing from at least 1; `1, 2, …` when
    /// the line does not give them.
    public var epochs: [Int]
    /// The planned number of epochs; the last recorded epoch when the line does not give it.
    public var budget: Int
    /// False when the trial was stopped before its budget (field `complete`).
    public var isComplete: Bool
    /// The training hyperparameters, by name (field `hyper`).
    public var hyperparameters: [String: Double]
    /// The input shape `[C,H,W]`; `[3,32,32]` when the line does not give it.
    public var input: TensorShape
    /// The parameter count as recorded (field `params`), used as given when present.
    public var parameters: Int?
    /// The multiply-accumulate count as recorded (field `flops`), used as given when present.
    public var flops: Int?
    /// The record's identifier in its source, if any (field `id`; an integer id is kept as its
    /// decimal text).
    public var id: String?
    /// A held-out test accuracy in [0, 1], reported apart (field `test_accuracy`): never a search
    /// signal nor a predictor's target (NAS-Bench-201's protocol searches on validation accuracy
    /// and reports the chosen network's test accuracy).
    public var testAccuracy: Double?

    /// Creates a record; `epochs` defaults to `1…curve.count` and `budget` to the last epoch.
    public init(
        network: CurveNetwork, curve: [Double], epochs: [Int]? = nil, budget: Int? = nil, isComplete: Bool = true,
        hyperparameters: [String: Double] = [:], input: TensorShape = .cifar, parameters: Int? = nil,
        flops: Int? = nil, id: String? = nil, testAccuracy: Double? = nil
    ) {
        let epochs = epochs ?? curve.indices.map { $0 + 1 }
        self.network = network
        self.curve = curve
        self.epochs = epochs
        self.budget = budget ?? epochs.last ?? 0
        self.isComplete = isComplete
        self.hyperparameters = hyperparameters
        self.input = input
        self.parameters = parameters
        self.flops = flops
        self.id = id
        self.testAccuracy = testAccuracy
    }

    /// The value a predictor learns: the last accuracy of a complete curve; `nil` for a trial
    /// stopped before its budget.
    public var target: Double? {
        isComplete ? curve.last : nil
    }

    /// The index of the last recorded epoch (0 for an empty curve).
    public var lastEpoch: Int {
        epochs.last ?? 0
    }

    /// The recorded accuracy at epoch index `epoch`, if that epoch was recorded.
    public func accuracy(atEpoch epoch: Int) -> Double? {
        guard let position = epochs.firstIndex(of: epoch), position < curve.count else { return nil }
        return curve[position]
    }
}
