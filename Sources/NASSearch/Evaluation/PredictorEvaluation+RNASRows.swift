import NASCore
import NASNumerics

extension PredictorEvaluation {
    /// A complete row of a curves file as the RNAS ranker sees it.
    public struct RNASRow: Sendable {
        /// The 1-based position of the row among the file's records.
        public var row: Int
        /// The row.
        public var record: CurveRecord
        /// Its network.
        public var network: Network
        /// Its feature tensor (`RNASFeatureTensor.encode` at the row's input shape).
        public var tensor: Tensor
        /// Its final accuracy, the ranking target.
        public var target: Double
    }

    /// The complete rows of a curves file as RNAS training rows, all of one kind of network.
    ///
    /// The kind (and so the feature tensor) is the first complete row's: a sequential `arch`, a
    /// NAS-Bench-101 `cell` or a NAS-Bench-201 `nb201_ops` row. A file that mixes kinds is refused
    /// at the first row of another kind, since one model ranks one kind of network.
    ///
    /// - Throws: `PredictorEvaluationError.unusableRow` for a row that cannot be encoded or is of
    ///   another kind than the first.
    public static func rnasRows(_ records: [CurveRecord]) throws(PredictorEvaluationError) -> [RNASRow] {
        var rows: [RNASRow] = []
        for (index, record) in records.enumerated() {
            guard let target = record.target else { continue }
            guard let network = record.network.network else {
                throw .unusableRow(row: index + 1, id: record.id, reason: "the cell has no input→output path")
            }
            if let first = rows.first, RNASNetworkKind(first.network) != RNASNetworkKind(network) {
                throw .unusableRow(
                    row: index + 1, id: record.id,
                    reason: "its network is one of \(RNASNetworkKind(network).description), row \(first.row)'s one of "
                        + "\(RNASNetworkKind(first.network).description): an RNAS model ranks one kind of network "
                        + "(their feature tensors differ); give a file of one kind")
            }
            do {
                let tensor = try RNASFeatureTensor.encode(network, input: record.input)
                rows.append(RNASRow(row: index + 1, record: record, network: network, tensor: tensor, target: target))
            } catch {
                throw .unusableRow(row: index + 1, id: record.id, reason: "\(error)")
            }
        }
        return rows
    }

    /// Trains the RNAS model file of `nasd predict train --predictor rnas`: the ranker on every
    /// complete row (`rnasRows`) with its final accuracy as the ranking target, seeded by `seed`
    /// (the same records, settings and seed give the same file, whatever `parallelism` is).
    ///
    /// - Throws: `PredictorEvaluationError`: an unusable or mixed row, fewer than 2 complete rows, a
    ///   fit that fails.
    public static func trainRNASModelFile(
        records: [CurveRecord], settings: RNASSettings = RNASSettings(), seed: UInt64,
        parallelism: Parallelism = .serial
    ) throws(PredictorEvaluationError) -> (file: RNASModelFile, rows: Int) {
        let rows = try rnasRows(records)
        guard let first = rows.first, rows.count >= 2 else {
            throw .invalidArgument("an RNAS model needs at least 2 complete rows; the file has \(rows.count)")
        }
        do {
            let file = try RNASModelFile.train(
                networks: RNASNetworkKind(first.network), tensors: rows.map(\.tensor), targets: rows.map(\.target),
                settings: settings, seed: seed, parallelism: parallelism)
            return (file, rows.count)
        } catch {
            throw .predictor(error.description)
        }
    }
}
