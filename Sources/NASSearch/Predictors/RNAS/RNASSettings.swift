/// The RNAS ranker's architecture and training settings (Xu et al. 2020, §3.3, §4).
///
/// The paper's text gives the predictor's shape (a LeNet-5-like CNN: convolutions with batch
/// normalization and ReLU, then fully connected layers of 120, 84 and 1 units), the loss (pairwise
/// hinge with margin m plus λ times the triplet continuity loss), Adam and mini-batches of 1,024
/// pairs; its learning rate, weight decay, epochs, m and λ did not survive in the copy in
/// `shared/seeds/004_*`. The defaults below keep every stated value and choose the others:
/// Adam's usual 1e-3 with 5e-4 weight decay, m = 0.1 on accuracies in [0, 1], λ = 0.1.
public struct RNASSettings: Hashable, Sendable, Codable {
    /// Output channels of each 3×3 convolution (padding 1, so the n×n grid is kept); each is
    /// followed by batch normalization and ReLU.
    public var convolutionChannels: [Int] = [16, 32]
    /// The fully connected layers after the convolutions, the last (1 unit) excluded: 120 and 84.
    public var hiddenUnits: [Int] = [120, 84]
    /// The pairs in one mini-batch: a batch is the smallest set of b architectures whose
    /// b(b−1)/2 pairs reach this number (46 for 1,024), and every pair in it counts.
    public var pairsPerBatch: Int = 1024
    /// Passes over the training architectures.
    public var epochs: Int = 100
    /// Adam's learning rate.
    public var learningRate: Float = 1e-3
    /// Adam's L2 weight decay.
    public var weightDecay: Float = 5e-4
    /// m, the margin of the pairwise hinge loss.
    public var margin: Float = 0.1
    /// λ, the weight of the triplet continuity loss on the penultimate features (0 disables it).
    public var continuityWeight: Float = 0.1
    /// The margin of the triplet loss.
    public var tripletMargin: Float = 1
    /// Rankers in the ensemble: each is trained on the same networks with its own seed, and the
    /// model's score of a network is the mean of the members' standardized scores (each member's
    /// score less the mean of its scores of the training networks, over their standard deviation).
    /// 1, the default, is the paper's single ranker, whose score is its output as it is. Averaging
    /// independently initialised and shuffled rankers reduces the variance of a ranking learnt from
    /// few networks, at K times the training cost (docs/rnas.md has the measurements).
    public var ensembleSize: Int = 1

    /// The paper's predictor with the defaults above.
    public init() {}

    /// Decodes settings; `ensembleSize` may be missing (models written before it existed: one ranker).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        convolutionChannels = try container.decode([Int].self, forKey: .convolutionChannels)
        hiddenUnits = try container.decode([Int].self, forKey: .hiddenUnits)
        pairsPerBatch = try container.decode(Int.self, forKey: .pairsPerBatch)
        epochs = try container.decode(Int.self, forKey: .epochs)
        learningRate = try container.decode(Float.self, forKey: .learningRate)
        weightDecay = try container.decode(Float.self, forKey: .weightDecay)
        margin = try container.decode(Float.self, forKey: .margin)
        continuityWeight = try container.decode(Float.self, forKey: .continuityWeight)
        tripletMargin = try container.decode(Float.self, forKey: .tripletMargin)
        ensembleSize = try container.decodeIfPresent(Int.self, forKey: .ensembleSize) ?? 1
    }

    /// Architectures per mini-batch: the smallest b with b(b−1)/2 ≥ `pairsPerBatch` (at least 2).
    public var architecturesPerBatch: Int {
        var b = 2
        while b * (b - 1) / 2 < pairsPerBatch { b += 1 }
        return b
    }

    /// Checks every setting.
    ///
    /// - Throws: `RNASError.invalidSettings` naming the first bad one.
    public func validate() throws(RNASError) {
        guard !convolutionChannels.isEmpty, convolutionChannels.allSatisfy({ $0 > 0 }) else {
            throw .invalidSettings("convolution channels must be positive and at least one: \(convolutionChannels)")
        }
        guard hiddenUnits.allSatisfy({ $0 > 0 }) else {
            throw .invalidSettings("hidden units must be positive: \(hiddenUnits)")
        }
        guard pairsPerBatch >= 1, pairsPerBatch <= 1_000_000 else {
            throw .invalidSettings("pairs per batch must lie in 1…1000000, not \(pairsPerBatch)")
        }
        guard ensembleSize >= 1, ensembleSize <= 100 else {
            throw .invalidSettings("the ensemble size must lie in 1…100, not \(ensembleSize)")
        }
        guard epochs >= 1 else { throw .invalidSettings("epochs must be at least 1, not \(epochs)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidSettings("the learning rate must be positive, not \(learningRate)")
        }
        for (name, value) in [
            ("weight decay", weightDecay), ("margin", margin), ("continuity weight", continuityWeight),
            ("triplet margin", tripletMargin),
        ] where !(value >= 0 && value.isFinite) {
            throw .invalidSettings("\(name) must be finite and non-negative, not \(value)")
        }
    }
}
