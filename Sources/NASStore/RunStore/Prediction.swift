/// A predictor's estimate of a trial's final validation accuracy, with the model that made it.
///
/// A trial can carry two: the prior's, made before dispatch from the architecture alone
/// (Peephole, RNAS), and the stop rule's, made when it was stopped early from its curve so far
/// (SRM). They are stored and shown apart.
public struct Prediction: Hashable, Sendable, Codable {
    /// The predicted final accuracy.
    public var accuracy: Double
    /// Its standard deviation, when the predictor has one.
    public var sigma: Double?
    /// The version of the model that made it (models are numbered by the data they were fit on),
    /// when the predictor keeps versioned models.
    public var modelVersion: Int?

    /// Creates a prediction.
    public init(accuracy: Double, sigma: Double? = nil, modelVersion: Int? = nil) {
        self.accuracy = accuracy
        self.sigma = sigma
        self.modelVersion = modelVersion
    }
}
