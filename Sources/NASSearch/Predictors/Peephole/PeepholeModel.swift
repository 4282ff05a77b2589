import Foundation
import NASCore
import NASNumerics

/// A trained Peephole: predicts a network's accuracy at an epoch from its architecture alone.
///
/// A value (the run store and the daemon pass it between threads); it holds its rebuilt network
/// behind a lock, because layers remember their last forward pass.
public struct PeepholeModel: PredictorModel {
    /// What is stored.
    public let file: PeepholeModelFile
    private let inference: Inference

    /// Rebuilds a model from its stored form.
    ///
    /// - Throws: `PeepholeError.unreadableModel` for another format or version, settings out of
    ///   range, or parameters that do not fit the settings.
    public init(file: PeepholeModelFile) throws(PeepholeError) {
        guard file.format == PeepholeModelFile.formatName else {
            throw .unreadableModel("format is '\(file.format)', expected '\(PeepholeModelFile.formatName)'")
        }
        let readable = PeepholeModelFile.readableFormatVersions
        guard readable.contains(file.formatVersion) else {
            throw .unreadableModel(
                "format version \(file.formatVersion); this build reads \(readable.lowerBound)–\(readable.upperBound)")
        }
        do {
            try file.settings.validate()
        } catch {
            throw .unreadableModel(error.description)
        }
        if file.settings.globalStatistics {
            guard let statistics = file.statistics, statistics.shift.count == PeepholeStatistics.count,
                statistics.scale.count == PeepholeStatistics.count
            else {
                throw .unreadableModel(
                    "settings.globalStatistics is on but 'statistics' is missing or not \(PeepholeStatistics.count) long"
                )
            }
        }
        guard (file.targetScale ?? 1) > 0, (file.targetScale ?? 1).isFinite, (file.targetShift ?? 0).isFinite else {
            throw .unreadableModel("targetScale must be positive and targetShift finite")
        }
        // The initial values are overwritten by the state; a fixed generator keeps this pure.
        var generator = SeededGenerator(seed: 0)
        let network = PeepholeNetwork(settings: file.settings, using: &generator)
        do {
            try network.load(file.state)
        } catch {
            throw .unreadableModel("\(error)")
        }
        self.file = file
        self.inference = Inference(network: network)
    }

    /// Decodes a model from the JSON `encoded()` writes.
    ///
    /// - Throws: `PeepholeError.unreadableModel`.
    public init(data: Data) throws(PeepholeError) {
        // The format and version first, so a file of another kind is named as such.
        struct Header: Decodable {
            var format: String?
        }
        if let format = (try? JSONDecoder().decode(Header.self, from: data))?.format,
            format != PeepholeModelFile.formatName
        {
            throw .unreadableModel("format is '\(format)', expected '\(PeepholeModelFile.formatName)'")
        }
        let file: PeepholeModelFile
        do {
            file = try JSONDecoder().decode(PeepholeModelFile.self, from: data)
        } catch {
            throw .unreadableModel("\(error)")
        }
        try self.init(file: file)
    }

    /// The model as JSON (keys sorted, so the same model gives the same bytes).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(file)
    }

    /// Predicts the accuracy of networks given by their codes and sizes at each one's `epoch`, in
    /// inference mode (their `accuracy` is not read); an epoch the model was not trained at is
    /// replaced by the nearest one it was.
    ///
    /// - Throws: `PeepholeError.numerics` (a bug) or `.insufficientData` for an empty sequence.
    public func predict(_ networks: [PeepholeExample]) throws(PeepholeError) -> [Double] {
        guard networks.allSatisfy({ !$0.codes.isEmpty }) else { throw .insufficientData("an empty code sequence") }
        if networks.isEmpty { return [] }
        let statistics = file.statistics.map { standardization in
            networks.map { standardization.apply($0.statistics) }
        }
        return try inference.predict(
            networks.map(\.codes), epochs: networks.map { nearestTrainedEpoch($0.epoch) }, statistics: statistics ?? []
        ).map(file.accuracy(fromOutput:))
    }

    /// The epoch the model was trained at that is nearest to `epoch` (the earlier one on a tie).
    public func nearestTrainedEpoch(_ epoch: Int) -> Int {
        file.trainedEpochs.min { abs($0 - epoch) < abs($1 - epoch) } ?? epoch
    }

    /// Predicts one network's accuracy at `epoch`.
    ///
    /// - Throws: `PeepholeError.unencodable` when the network has no codes.
    public func predict(_ network: Network, input: TensorShape, epoch: Int) throws(PeepholeError) -> Double {
        try predict([PeepholeExample(network: network, input: input, epoch: epoch, accuracy: 0)])[0]
    }

    /// The `q`-quantile (linear interpolation, NumPy's default) of the predictions for the
    /// networks the model was trained on; nil when it has none.
    public func trainedQuantile(_ q: Double) -> Double? {
        let values = file.trainedPredictions
        guard !values.isEmpty else { return nil }
        let position = min(max(q, 0), 1) * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        return values[lower] + (values[upper] - values[lower]) * (position - Double(lower))
    }

    /// The network behind a lock: `@unchecked Sendable` because every use of `network` holds `lock`.
    private final class Inference: @unchecked Sendable {
        private let lock = NSLock()
        private let network: PeepholeNetwork

        init(network: PeepholeNetwork) {
            self.network = network
        }

        func predict(
            _ sequences: [[UnifiedLayerCode]], epochs: [Int], statistics: [[Float]]
        ) throws(PeepholeError) -> [Double] {
            lock.lock()
            defer { lock.unlock() }
            do {
                return try network.forward(sequences, epochs: epochs, statistics: statistics, context: .inference)
                    .scalars.map(Double.init)
            } catch {
                throw .numerics("\(error)")
            }
        }
    }
}
