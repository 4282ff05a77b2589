import NASCore
import NASNumerics

/// Trains RNAS's ranker (Xu et al. 2020, §3.3, Algorithm 1 lines 1–5): the LeNet-like predictor
/// on feature tensors with the pairwise ranking hinge loss plus λ times the triplet continuity
/// loss, Adam, mini-batches of pairs.
///
/// Each epoch shuffles the training architectures and cuts them into batches of
/// `settings.architecturesPerBatch` (46: the 1,035 pairs of a batch are the paper's mini-batch of
/// 1,024 pairs; a last batch of one joins the previous one). Every pair of a batch with different
/// targets enters the hinge loss `max(0, m − (ŷ_better − ŷ_worse))`; for the continuity loss each
/// architecture of the batch anchors one triplet with two others drawn at random, the one closer
/// in accuracy the positive. Pure and deterministic: the same inputs, settings and seed give the
/// same model, bit for bit, whatever `parallelism` is.
///
/// With `settings.ensembleSize` K > 1 it trains K predictors on the same prepared tensors, the first
/// with `seed`, the others with seeds derived from it (`memberSeed`), and records each member's
/// score standardization on the training networks (`RNASModel`).
public enum RNASRanker {
    /// Fits a ranker.
    ///
    /// - Parameters:
    ///   - inputs: one feature tensor per architecture (`RNASFeatureTensor`), all of one shape.
    ///   - targets: the architectures' accuracies (only their order matters).
    ///   - settings: the predictor and its training.
    ///   - seed: the initialisation and the batches.
    ///   - parallelism: threads for the kernels (results do not depend on it).
    ///   - start: a trained model to fine-tune (a transferred model, `RNASModelFile`): training
    ///     starts from its parameters and keeps its input scaling, so its weights keep their
    ///     meaning; nil trains from a seeded initialisation with a scaling fitted on `inputs`.
    /// - Throws: `RNASError` (`.shapeMismatch` when `start` takes tensors of another shape).
    public static func fit(
        inputs: [Tensor], targets: [Double], settings: RNASSettings = RNASSettings(), seed: UInt64,
        parallelism: Parallelism = .serial, startingFrom start: RNASModel? = nil
    ) throws(RNASError) -> RNASModel {
        try settings.validate()
        guard inputs.count == targets.count else {
            throw .invalidTrainingSet("\(inputs.count) tensors but \(targets.count) targets")
        }
        guard inputs.count >= 2 else { throw .invalidTrainingSet("at least 2 architectures, got \(inputs.count)") }
        guard let shape = inputs.first?.shape, shape.count == 3, shape[1] == shape[2], shape[0] > 0 else {
            throw .invalidTrainingSet("feature tensors must be [channels, n, n], got \(inputs.first?.shape ?? [])")
        }
        if let index = inputs.firstIndex(where: { $0.shape != shape }) {
            throw .invalidTrainingSet("tensor \(index) has shape \(inputs[index].shape), the first \(shape)")
        }
        if let index = targets.firstIndex(where: { !$0.isFinite }) {
            throw .invalidTrainingSet("target \(index) is not finite")
        }
        if let start, start.inputShape != shape { throw .shapeMismatch(expected: start.inputShape, actual: shape) }
        if let start, start.memberStates.count != settings.ensembleSize {
            throw .invalidSettings(
                "the model to fine-tune has \(start.memberStates.count) members; the settings ask for "
                    + "\(settings.ensembleSize)")
        }
        let scaling = start?.scaling ?? RNASInputScaling(fitting: inputs)
        let scaled = inputs.map { scaling.apply($0) }
        let preparedShape = scaling.preparedShape(for: shape)
        var states: [ModelState] = []
        var standardizations: [RNASScoreStandardization] = []
        for member in 0..<settings.ensembleSize {
            let predictor = try fitMember(
                scaled, preparedShape: preparedShape, targets: targets, settings: settings,
                seed: memberSeed(seed, member: member), parallelism: parallelism,
                startingFrom: start?.memberStates[member])
            states.append(predictor.state())
            if settings.ensembleSize > 1 {
                do {
                    let output = try predictor.forward(
                        RNASModel.stack(scaled, shape: preparedShape),
                        context: ComputeContext(isTraining: false, parallelism: parallelism))
                    standardizations.append(RNASScoreStandardization(scores: output.scores.scalars.map(Double.init)))
                } catch {
                    throw .numerics("\(error)")
                }
            }
        }
        return RNASModel(
            settings: settings, inputShape: shape, scaling: scaling, state: states[0],
            additionalStates: Array(states.dropFirst()), standardizations: standardizations)
    }

    /// The seed of ensemble member `member`: the fit's own seed for the first (so a single ranker
    /// is what it was before ensembles), a seed derived from it for the others.
    static func memberSeed(_ seed: UInt64, member: Int) -> UInt64 {
        guard member > 0 else { return seed }
        var generator = SeededGenerator.derived(from: seed, stream: "rnas.ensemble-member.\(member)")
        return generator.next()
    }

    /// Trains one predictor on prepared tensors (the epochs, batches and losses described above).
    private static func fitMember(
        _ scaled: [Tensor], preparedShape: [Int], targets: [Double], settings: RNASSettings, seed: UInt64,
        parallelism: Parallelism, startingFrom start: ModelState?
    ) throws(RNASError) -> RNASPredictor {
        var initialisation = SeededGenerator.derived(from: seed, stream: "rnas.initialisation")
        var batches = SeededGenerator.derived(from: seed, stream: "rnas.batches")
        let predictor = try RNASPredictor(
            inputChannels: preparedShape[0], side: preparedShape[1], settings: settings, using: &initialisation)
        if let start {
            do {
                try predictor.load(start)
            } catch {
                throw .invalidSettings("the model to fine-tune does not fit the settings: \(error)")
            }
        }
        var optimizer = Adam(learningRate: settings.learningRate, weightDecay: settings.weightDecay)
        let hinge = PairwiseRankingHingeLoss(margin: settings.margin)
        let triplet = TripletMarginLoss(margin: settings.tripletMargin)
        let context = ComputeContext(isTraining: true, parallelism: parallelism)
        let batchSize = settings.architecturesPerBatch
        let parameters = predictor.trainableParameters
        do {
            for _ in 0..<settings.epochs {
                let order = Array(0..<scaled.count).shuffled(using: &batches)
                var starts = Array(stride(from: 0, to: order.count, by: batchSize))
                if starts.count > 1, order.count - (starts.last ?? 0) < 2 { starts.removeLast() }
                for (position, start) in starts.enumerated() {
                    let end = position + 1 < starts.count ? starts[position + 1] : order.count
                    let members = Array(order[start..<end])
                    let batch = RNASModel.stack(members.map { scaled[$0] }, shape: preparedShape)
                    let batchTargets = try Tensor(shape: [members.count], scalars: members.map { Float(targets[$0]) })
                    predictor.zeroGradients()
                    let output = try predictor.forward(batch, context: context)
                    let ranking = try hinge.evaluate(predictions: output.scores, targets: batchTargets)
                    let continuity =
                        settings.continuityWeight > 0
                        ? try continuityGradient(
                            features: output.features, targets: members.map { targets[$0] }, loss: triplet,
                            weight: settings.continuityWeight, using: &batches) : nil
                    try predictor.backward(scoreGradient: ranking.gradient, featureGradient: continuity)
                    try optimizer.step(parameters)
                }
            }
        } catch let error as RNASError {
            throw error
        } catch {
            throw .numerics("\(error)")
        }
        return predictor
    }

    /// λ times the gradient of the triplet continuity loss with respect to the batch's features:
    /// one triplet per anchor, with two other members drawn at random; the one nearer the anchor in
    /// accuracy is the positive (a tie draws no triplet).
    static func continuityGradient(
        features: Tensor, targets: [Double], loss: TripletMarginLoss, weight: Float,
        using generator: inout SeededGenerator
    ) throws -> Tensor? {
        let count = targets.count
        guard count >= 3, features.rank == 2 else { return nil }
        let width = features.shape[1]
        var triplets: [(anchor: Int, positive: Int, negative: Int)] = []
        for anchor in 0..<count {
            var first = Int.random(in: 0..<(count - 1), using: &generator)
            if first >= anchor { first += 1 }
            var second = Int.random(in: 0..<(count - 2), using: &generator)
            for taken in [anchor, first].sorted() where second >= taken { second += 1 }
            let (d1, d2) = (abs(targets[anchor] - targets[first]), abs(targets[anchor] - targets[second]))
            guard d1 != d2 else { continue }
            triplets.append(d1 < d2 ? (anchor, first, second) : (anchor, second, first))
        }
        guard !triplets.isEmpty else { return nil }
        func gather(_ rows: [Int]) throws -> Tensor {
            var scalars: [Float] = []
            scalars.reserveCapacity(rows.count * width)
            for row in rows { scalars.append(contentsOf: features.scalars[(row * width)..<((row + 1) * width)]) }
            return try Tensor(shape: [rows.count, width], scalars: scalars)
        }
        let value = try loss.evaluate(
            anchor: gather(triplets.map(\.anchor)), positive: gather(triplets.map(\.positive)),
            negative: gather(triplets.map(\.negative)))
        var gradient = Tensor(shape: features.shape)
        for (index, triplet) in triplets.enumerated() {
            for (row, part) in [
                (triplet.anchor, value.anchorGradient), (triplet.positive, value.positiveGradient),
                (triplet.negative, value.negativeGradient),
            ] {
                for j in 0..<width { gradient.scalars[row * width + j] += weight * part.scalars[index * width + j] }
            }
        }
        return gradient
    }
}
