import Foundation
import NASCore
import NASSearch

/// Reads `early_stopping.warm_start`: the complete curves of a curves file (docs/curves-format.md,
/// e.g. an earlier run's `nasd export`) as SRM training examples, in file order.
public enum WarmStart {
    /// Reads the file's complete curves; rows stopped before their budget are skipped.
    ///
    /// - Throws: `WarmStartError` naming the file (and the line, for a malformed or unanalysable row).
    public static func examples(fromFile path: String) throws(WarmStartError) -> [LearningCurveExample] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let records: [CurveRecord]
        do {
            records = try CurvesFile.parse(data)
        } catch {
            throw .invalid(path: path, error: error)
        }
        return try examples(from: records, path: path)
    }

    /// The complete curves among parsed records.
    ///
    /// - Throws: `WarmStartError.unanalysable` for a row whose network cannot be analysed (row
    ///   numbers count records, 1-based).
    public static func examples(from records: [CurveRecord], path: String) throws(WarmStartError)
        -> [LearningCurveExample]
    {
        var examples: [LearningCurveExample] = []
        for (index, record) in records.enumerated() {
            do {
                if let example = try LearningCurveExample(record: record) { examples.append(example) }
            } catch {
                throw .unanalysable(path: path, row: index + 1, reason: error.description)
            }
        }
        return examples
    }
}

/// Why the warm-start curves could not be read.
public enum WarmStartError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// A line is not a valid curves-file row.
    case invalid(path: String, error: CurvesFileError)
    /// Row `row`'s network cannot be analysed.
    case unanalysable(path: String, row: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .invalid(let path, let error): return "\(path): \(error)"
        case .unanalysable(let path, let row, let reason):
            return "\(path): row \(row): \(reason)"
        }
    }
}
