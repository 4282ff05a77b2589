/// Peephole's sizes and training recipe; the defaults are the paper's where it gives them
/// (Deng et al. 2017, §5.1: 40-d layer and epoch embeddings, LSTM hidden 160, an MLP of 3 linear
/// layers with 200 hidden units) and ours where it does not (docs/predictors.md).
public struct PeepholeSettings: Hashable, Sendable, Codable {
    /// The type table's vector length. The layer embedding is `type + 2·kernel + channel` long:
    /// 16 + 2·8 + 8 = 40 by default.
    public var typeDimension: Int
    /// The kernel table's vector length (one table for width and height).
    public var kernelDimension: Int
    /// The channel-ratio table's vector length.
    public var channelDimension: Int
    /// The epoch embedding's length.
    public var epochDimension: Int
    /// Epochs the epoch table has rows for; a later epoch uses the last row.
    public var epochTableSize: Int
    /// The LSTM's hidden size (the structural feature's length).
    public var hiddenSize: Int
    /// The MLP's hidden width.
    public var mlpHiddenSize: Int
    /// The MLP's linear layers (at least 1); every one but the last is followed by BN and ReLU.
    public var mlpLayers: Int
    /// Passes over the training networks (more when `minimumSteps` asks for them: `passes(forTrainingCount:)`).
    public var epochs: Int
    /// Networks per mini-batch (at least 2: batch normalization needs a batch).
    public var batchSize: Int
    /// Adam's step size (the paper does not say; Adam at 1e-3 is ours).
    public var learningRate: Float
    /// Adam's L2 weight decay.
    public var weightDecay: Float
    /// The smooth L1 loss's β.
    public var smoothL1Beta: Float
    /// nasd's extension: whether the MLP also reads the network's standardized global statistics
    /// (`PeepholeStatistics`: log parameters, log MACs, depth, code-type counts). Off in a model
    /// file that predates it (format version 1).
    public var globalStatistics: Bool
    /// nasd's extension: train on targets standardized over the training networks (their mean
    /// and standard deviation, stored in the model file) instead of raw accuracies. Off in a
    /// version-1 model file.
    public var standardizeTargets: Bool
    /// nasd's extension: decay the learning rate along a half cosine from `learningRate` to 0
    /// over the passes instead of keeping it constant. Off in a version-1 model file.
    public var cosineDecay: Bool
    /// nasd's extension: a floor on the optimizer steps. Training runs `epochs` passes, or more
    /// when those give fewer than `minimumSteps` mini-batch steps, so a small training set gets the
    /// same number of steps as a larger one rather than fewer (0: exactly `epochs` passes, as in a
    /// model file that predates it).
    public var minimumSteps: Int
    /// nasd's extension: the stored model is the mean of the parameters (and batch-normalization
    /// statistics) at the end of each of the last `averagedFraction` of the passes, rounded to whole
    /// passes (stochastic weight averaging; 0: the last pass's parameters, as in a model file that
    /// predates it).
    public var averagedFraction: Double

    /// The MLP's input length: the structural feature, the epoch embedding and, when on, the
    /// global statistics.
    public var mlpInputDimension: Int {
        hiddenSize + epochDimension + (globalStatistics ? PeepholeStatistics.count : 0)
    }

    /// The layer embedding's length.
    public var layerEmbeddingDimension: Int { typeDimension + 2 * kernelDimension + channelDimension }

    /// Creates settings; the defaults are the paper's sizes.
    public init(
        typeDimension: Int = 16, kernelDimension: Int = 8, channelDimension: Int = 8, epochDimension: Int = 40,
        epochTableSize: Int = 256, hiddenSize: Int = 160, mlpHiddenSize: Int = 200, mlpLayers: Int = 3,
        epochs: Int = 100, batchSize: Int = 32, learningRate: Float = 1e-3, weightDecay: Float = 0,
        smoothL1Beta: Float = 1, globalStatistics: Bool = true, standardizeTargets: Bool = true,
        cosineDecay: Bool = true, minimumSteps: Int = 0, averagedFraction: Double = 0
    ) {
        self.typeDimension = typeDimension
        self.kernelDimension = kernelDimension
        self.channelDimension = channelDimension
        self.epochDimension = epochDimension
        self.epochTableSize = epochTableSize
        self.hiddenSize = hiddenSize
        self.mlpHiddenSize = mlpHiddenSize
        self.mlpLayers = mlpLayers
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.smoothL1Beta = smoothL1Beta
        self.globalStatistics = globalStatistics
        self.standardizeTargets = standardizeTargets
        self.cosineDecay = cosineDecay
        self.minimumSteps = minimumSteps
        self.averagedFraction = averagedFraction
    }

    /// The recipe `nasd predict train` and `nasd predict eval` use unless told otherwise: the
    /// defaults with mini-batches of 16 and a floor of 6,400 optimizer steps (the steps of 100
    /// passes over 1,000 networks in batches of 16), so that a few hundred training networks get
    /// the optimizer steps of a thousand. On held-out recorded networks it ranks better than the
    /// defaults on every data set measured (docs/BENCHMARKS.md, "Peephole: a step floor"), at a
    /// fixed cost of about a minute on 2 cores whatever the training set's size — which is why the
    /// daemon's own fits (a prior, predictor-driven evolution: fitted on 20 to a few hundred
    /// networks while the search runs) keep the defaults, about 1.5 s on 20 networks.
    public static let offline = PeepholeSettings(batchSize: 16, minimumSteps: 6400)

    /// The passes training runs over `count` networks: `epochs`, or more to reach `minimumSteps`.
    public func passes(forTrainingCount count: Int) -> Int {
        let steps = PeepholeTrainer.batchCount(forTrainingCount: count, size: batchSize)
        guard minimumSteps > 0, steps > 0 else { return epochs }
        return max(epochs, (minimumSteps + steps - 1) / steps)
    }

    /// The passes at whose end the parameters are averaged, out of `passes` (at least 1).
    public func averagedPasses(outOf passes: Int) -> Int {
        min(max(Int((Double(passes) * averagedFraction).rounded()), 1), passes)
    }

    private enum CodingKeys: String, CodingKey {
        case typeDimension, kernelDimension, channelDimension, epochDimension, epochTableSize, hiddenSize
        case mlpHiddenSize, mlpLayers, epochs, batchSize, learningRate, weightDecay, smoothL1Beta, globalStatistics
        case standardizeTargets, cosineDecay, minimumSteps, averagedFraction
    }

    /// Decodes settings; `globalStatistics`, `standardizeTargets` and `cosineDecay` are off when
    /// absent (a version-1 model file), `minimumSteps` and `averagedFraction` 0 (a model file
    /// written before them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            typeDimension: try container.decode(Int.self, forKey: .typeDimension),
            kernelDimension: try container.decode(Int.self, forKey: .kernelDimension),
            channelDimension: try container.decode(Int.self, forKey: .channelDimension),
            epochDimension: try container.decode(Int.self, forKey: .epochDimension),
            epochTableSize: try container.decode(Int.self, forKey: .epochTableSize),
            hiddenSize: try container.decode(Int.self, forKey: .hiddenSize),
            mlpHiddenSize: try container.decode(Int.self, forKey: .mlpHiddenSize),
            mlpLayers: try container.decode(Int.self, forKey: .mlpLayers),
            epochs: try container.decode(Int.self, forKey: .epochs),
            batchSize: try container.decode(Int.self, forKey: .batchSize),
            learningRate: try container.decode(Float.self, forKey: .learningRate),
            weightDecay: try container.decode(Float.self, forKey: .weightDecay),
            smoothL1Beta: try container.decode(Float.self, forKey: .smoothL1Beta),
            globalStatistics: try container.decodeIfPresent(Bool.self, forKey: .globalStatistics) ?? false,
            standardizeTargets: try container.decodeIfPresent(Bool.self, forKey: .standardizeTargets) ?? false,
            cosineDecay: try container.decodeIfPresent(Bool.self, forKey: .cosineDecay) ?? false,
            minimumSteps: try container.decodeIfPresent(Int.self, forKey: .minimumSteps) ?? 0,
            averagedFraction: try container.decodeIfPresent(Double.self, forKey: .averagedFraction) ?? 0)
    }

    /// Checks every size and rate.
    ///
    /// - Throws: `PeepholeError.invalidSettings` naming the first bad value.
    public func validate() throws(PeepholeError) {
        let sizes: [(String, Int, Int)] = [
            ("typeDimension", typeDimension, 1), ("kernelDimension", kernelDimension, 1),
            ("channelDimension", channelDimension, 1), ("epochDimension", epochDimension, 1),
            ("epochTableSize", epochTableSize, 1), ("hiddenSize", hiddenSize, 1),
            ("mlpHiddenSize", mlpHiddenSize, 1), ("mlpLayers", mlpLayers, 1), ("epochs", epochs, 1),
            ("batchSize", batchSize, 2),
        ]
        for (name, value, minimum) in sizes where value < minimum {
            throw .invalidSettings("\(name) must be at least \(minimum), not \(value)")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidSettings("learningRate must be positive, not \(learningRate)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw .invalidSettings("weightDecay must be non-negative, not \(weightDecay)")
        }
        guard minimumSteps >= 0 else {
            throw .invalidSettings("minimumSteps must be non-negative, not \(minimumSteps)")
        }
        guard averagedFraction >= 0, averagedFraction <= 1 else {
            throw .invalidSettings("averagedFraction must be in [0, 1], not \(averagedFraction)")
        }
        guard smoothL1Beta > 0, smoothL1Beta.isFinite else {
            throw .invalidSettings("smoothL1Beta must be positive, not \(smoothL1Beta)")
        }
    }
}
