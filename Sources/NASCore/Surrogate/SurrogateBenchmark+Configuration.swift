extension SurrogateBenchmark {
    /// The surrogate model's knobs (docs/surrogate.md lists what each one moves).
    public struct Configuration: Hashable, Sendable, Codable {
        /// Where the learning rate drops ×0.1, as a fraction of the epoch budget; `nil` for no step.
        public var learningRateStepFraction: Double?
        /// The share of the final gain `final − chance` that arrives with the learning-rate step.
        public var jumpFraction: Double
        /// How many epochs the jump takes to settle (the time constant after the step).
        public var stepSharpness: Double
        /// The standard deviation of per-epoch noise before the step (after it, divided by 2.5).
        public var epochNoise: Double
        /// The standard deviation of a run's shift of the final accuracy (what the seed moves).
        public var runNoise: Double
        /// The standard deviation of the per-network idiosyncratic term in the quality logit.
        public var architectureNoise: Double
        /// The constant of the quality logit.
        public var baseQuality: Double
        /// The constant of the divergence logit.
        public var baseDivergenceLogit: Double
        /// The best reachable accuracy for 10 classes.
        public var ceiling: Double
        /// The learning rate assumed when the hyperparameters do not give one; also the best rate
        /// for a network without batch norm.
        public var defaultLearningRate: Double
        /// The hyperparameter name of the initial learning rate.
        public var learningRateKey: String
        /// Selects a different synthetic world: the same network scores differently under another salt.
        public var salt: UInt64

        /// Creates a configuration; every default is the documented one.
        public init(
            learningRateStepFraction: Double? = 0.5, jumpFraction: Double = 0.15, stepSharpness: Double = 0.7,
            epochNoise: Double = 0.008, runNoise: Double = 0.004, architectureNoise: Double = 0.35,
            baseQuality: Double = 0.4, baseDivergenceLogit: Double = -2.6, ceiling: Double = 0.96,
            defaultLearningRate: Double = 0.01, learningRateKey: String = "learning_rate", salt: UInt64 = 0
        ) {
            self.learningRateStepFraction = learningRateStepFraction
            self.jumpFraction = jumpFraction
            self.stepSharpness = stepSharpness
            self.epochNoise = epochNoise
            self.runNoise = runNoise
            self.architectureNoise = architectureNoise
            self.baseQuality = baseQuality
            self.baseDivergenceLogit = baseDivergenceLogit
            self.ceiling = ceiling
            self.defaultLearningRate = defaultLearningRate
            self.learningRateKey = learningRateKey
            self.salt = salt
        }
    }
}
