import Foundation

/// One architecture of a NAS-Bench-101 export (`nasbench-vis`'s `nb101_data-1k.json`): the cell,
/// its NAS-Bench-101 key, parameter count and validation accuracies.
public struct NASBench101Record: Hashable, Sendable {
    /// NAS-Bench-101's module hash (`Cell.nasBench101Hash()` of `cell`).
    public var key: String
    /// The cell, with the padding vertices removed.
    public var cell: Cell
    /// Trainable parameters of the whole network.
    public var trainableParameters: Int
    /// Final validation accuracy (0…1) by epoch budget: 4, 12, 36 and 108 (separate training
    /// runs, not points of one curve).
    public var validationAccuracy: [Int: Double]
    /// Training time of the 108-epoch run in seconds, when recorded.
    public var trainingTime: Double?

    /// Creates a record.
    public init(
        key: String, cell: Cell, trainableParameters: Int, validationAccuracy: [Int: Double], trainingTime: Double?
    ) {
        self.key = key
        self.cell = cell
        self.trainableParameters = trainableParameters
        self.validationAccuracy = validationAccuracy
        self.trainingTime = trainingTime
    }

    /// The epoch budgets of the export's accuracy columns.
    public static let epochBudgets = [4, 12, 36, 108]

    /// Parses an export: a JSON object of parallel lists `key`, `operations` (labels −1 input,
    /// −2 output, 0/1/2 conv3×3/conv1×1/max-pool3×3, −3 padding after the output), `adjacency`
    /// (7×7, 0/1 as numbers), `trainable_parameters`, `<e>_final_validation_accuracy` for e in
    /// 4, 12, 36, 108, and optionally `final_training_time`. Other fields are ignored.
    ///
    /// - Throws: `NASBench101DataError` naming the field and the entry.
    public static func records(from data: Data) throws(NASBench101DataError) -> [NASBench101Record] {
        let columns: Columns
        do {
            columns = try JSONDecoder().decode(Columns.self, from: data)
        } catch DecodingError.keyNotFound(let key, let context)
            where context.codingPath.isEmpty && ["operations", "adjacency"].contains(key.stringValue)
        {
            throw .noGraphEncoding(missing: key.stringValue)
        } catch {
            throw .malformedJSON(JSONInputError(decoding: error, data: data))
        }
        let count = columns.key.count
        let accuracyColumns = [
            columns.accuracy4, columns.accuracy12, columns.accuracy36, columns.accuracy108,
        ]
        let lengths: [(String, Int?)] = [
            ("operations", columns.operations.count), ("adjacency", columns.adjacency.count),
            ("trainable_parameters", columns.trainableParameters.count),
            ("4_final_validation_accuracy", columns.accuracy4.count),
            ("12_final_validation_accuracy", columns.accuracy12.count),
            ("36_final_validation_accuracy", columns.accuracy36.count),
            ("108_final_validation_accuracy", columns.accuracy108.count),
            ("final_training_time", columns.finalTrainingTime?.count),
        ]
        for (field, length) in lengths {
            if let length, length != count { throw .lengthMismatch(field: field, count: length, expected: count) }
        }
        var records: [NASBench101Record] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            let labels = columns.operations[index]
            // Padding vertices (−3) come after the output; drop their rows and columns.
            let kept = labels.indices.filter { labels[$0] != -3 }
            var operations: [CellOperation] = []
            for vertex in kept {
                guard let operation = CellOperation(nasBench101Label: labels[vertex]) else {
                    throw .unknownOperation(entry: index, vertex: vertex, label: labels[vertex])
                }
                operations.append(operation)
            }
            let matrix = columns.adjacency[index]
            guard matrix.count == labels.count else {
                throw .invalidCell(
                    entry: index, error: .operationCountMismatch(operations: labels.count, vertices: matrix.count))
            }
            if let row = matrix.firstIndex(where: { $0.count != labels.count }) {
                throw .invalidCell(
                    entry: index, error: .adjacencyNotSquare(vertices: labels.count, row: row, count: matrix[row].count)
                )
            }
            let cell: Cell
            do throws(CellError) {
                cell = try Cell(
                    operations: operations, adjacency: kept.map { row in kept.map { matrix[row][$0] != 0 } })
            } catch {
                throw .invalidCell(entry: index, error: error)
            }
            var accuracy: [Int: Double] = [:]
            for (budget, column) in zip(epochBudgets, accuracyColumns) { accuracy[budget] = column[index] }
            records.append(
                NASBench101Record(
                    key: columns.key[index], cell: cell, trainableParameters: columns.trainableParameters[index],
                    validationAccuracy: accuracy, trainingTime: columns.finalTrainingTime?[index]))
        }
        return records
    }

    /// The export's layout: parallel lists keyed by field name.
    private struct Columns: Decodable {
        var key: [String]
        var operations: [[Int]]
        var adjacency: [[[Double]]]
        var trainableParameters: [Int]
        var accuracy4: [Double]
        var accuracy12: [Double]
        var accuracy36: [Double]
        var accuracy108: [Double]
        var finalTrainingTime: [Double]?

        enum CodingKeys: String, CodingKey {
            case key, operations, adjacency
            case trainableParameters = "trainable_parameters"
            case finalTrainingTime = "final_training_time"
            case accuracy4 = "4_final_validation_accuracy"
            case accuracy12 = "12_final_validation_accuracy"
            case accuracy36 = "36_final_validation_accuracy"
            case accuracy108 = "108_final_validation_accuracy"
        }
    }
}

/// Why a NAS-Bench-101 export could not be read.
public enum NASBench101DataError: Error, Hashable, Sendable {
    /// Not JSON of the expected layout (a missing field or a wrong type), located by the decoder.
    case malformedJSON(JSONInputError)
    /// The export has no `operations` or no `adjacency` list: keys and accuracies without the cells
    /// (nasbench-vis's `data-10k` and `data-20k` exports are such).
    case noGraphEncoding(missing: String)
    /// The list `field` has `count` entries where `key` has `expected`.
    case lengthMismatch(field: String, count: Int, expected: Int)
    /// Entry `entry`'s vertex `vertex` has a label that is no NAS-Bench-101 operation.
    case unknownOperation(entry: Int, vertex: Int, label: Int)
    /// Entry `entry` is not a well-formed cell.
    case invalidCell(entry: Int, error: CellError)
}
