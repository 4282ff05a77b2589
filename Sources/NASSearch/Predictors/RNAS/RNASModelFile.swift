import Foundation
import NASCore
import NASNumerics

/// A trained RNAS ranker as a file (`nasd predict train --predictor rnas --out`), read by
/// `prior: {kind: rnas, model: FILE}` and `strategy.predictor_model` with `predictor: rnas`. JSON,
/// versioned by `format` and `formatVersion`.
///
/// The file names the kind of network it was trained on (`networks`): RNAS's feature tensor
/// differs between NAS-Bench-101 cells, NAS-Bench-201 cells and sequential networks, so a model
/// judges only the networks of its own kind (`check(judging:)`).
public struct RNASModelFile: Equatable, Sendable, Codable {
    /// The value of `format` in every RNAS model file.
    public static let formatName = "nasd.rnas"
    /// The version this build writes and reads.
    public static let currentFormatVersion = 1

    /// Always `nasd.rnas`.
    public var format: String
    /// The file's format version.
    public var formatVersion: Int
    /// The kind of network the ranker was trained on (its tensors' shape follows from it).
    public var networks: RNASNetworkKind
    /// The seed it was trained with.
    public var seed: UInt64
    /// The ranker: settings, input shape and scaling, parameters (`RNASModel`).
    public var ranker: RNASModel
    /// The ranker's scores of the networks it was trained on, ascending: the reference the
    /// prior's `veto_quantile` compares against until the run fits models of its own.
    public var trainedScores: [Double]

    /// Creates a file of the current version.
    public init(networks: RNASNetworkKind, seed: UInt64, ranker: RNASModel, trainedScores: [Double]) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.networks = networks
        self.seed = seed
        self.ranker = ranker
        self.trainedScores = trainedScores.sorted()
    }

    /// Trains a ranker on networks of one kind with their final accuracies (only their order
    /// matters) and scores the training networks for the file's `trainedScores`.
    ///
    /// - Parameters:
    ///   - tensors: the networks' feature tensors (`RNASFeatureTensor.encode`), all of `networks`' shape.
    ///   - targets: their accuracies.
    /// - Throws: `RNASError` (a training set that cannot train, a tensor of another shape).
    public static func train(
        networks: RNASNetworkKind, tensors: [Tensor], targets: [Double], settings: RNASSettings, seed: UInt64,
        parallelism: Parallelism = .serial
    ) throws(RNASError) -> RNASModelFile {
        if let tensor = tensors.first(where: { $0.shape != networks.tensorShape }) {
            throw .shapeMismatch(expected: networks.tensorShape, actual: tensor.shape)
        }
        let ranker = try RNASRanker.fit(
            inputs: tensors, targets: targets, settings: settings, seed: seed, parallelism: parallelism)
        let scores = try ranker.makeScorer().scores(tensors, parallelism: parallelism)
        return RNASModelFile(networks: networks, seed: seed, ranker: ranker, trainedScores: scores)
    }

    /// Reads a file, checking its format and version first, then that its parts fit together.
    ///
    /// - Throws: `RNASError.unreadableModel` for bytes that are not JSON, another format or
    ///   version, settings out of range, a ranker whose tensor shape or scaling is not its kind's,
    ///   or parameters that do not fit the settings.
    public init(data: Data) throws(RNASError) {
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw .unreadableModel("not a JSON object with a format (\(error))")
        }
        guard header.format == Self.formatName else {
            throw .unreadableModel(
                header.format.map { "format is '\($0)', expected '\(Self.formatName)'" }
                    ?? "no format, expected '\(Self.formatName)'")
        }
        guard header.formatVersion == Self.currentFormatVersion else {
            throw .unreadableModel(
                "format version \(header.formatVersion.map(String.init) ?? "missing"); this build reads "
                    + "\(Self.currentFormatVersion)")
        }
        do {
            self = try JSONDecoder().decode(RNASModelFile.self, from: data)
        } catch {
            throw .unreadableModel("\(error)")
        }
        guard ranker.inputShape == networks.tensorShape else {
            throw .unreadableModel(
                "the ranker takes tensors of shape \(ranker.inputShape), \(networks.rawValue) networks have "
                    + "\(networks.tensorShape)")
        }
        guard ranker.scaling.typeCodes >= 1, ranker.scaling.logRanges.count == networks.tensorShape[0] - 1 else {
            throw .unreadableModel(
                "the input scaling has \(ranker.scaling.typeCodes) type codes and \(ranker.scaling.logRanges.count) "
                    + "count channels; \(networks.rawValue) tensors have \(networks.tensorShape[0] - 1)")
        }
        guard trainedScores.allSatisfy(\.isFinite) else { throw .unreadableModel("a trained score is not finite") }
        trainedScores.sort()
        do {
            _ = try ranker.makeScorer()
        } catch {
            throw .unreadableModel(error.description)
        }
    }

    /// The file as JSON (keys sorted: the same model gives the same bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Checks that the model can judge networks of kind `kind`.
    ///
    /// - Throws: `RNASError.networkKindMismatch`.
    public func check(judging kind: RNASNetworkKind) throws(RNASError) {
        guard kind == networks else { throw .networkKindMismatch(model: networks, needed: kind) }
    }

    /// The file's model as the prior's: the ranker with the scores of its training networks.
    public var gateModel: RNASGateModel {
        RNASGateModel(ranker: ranker, trainedScores: trainedScores)
    }
}
