/// Why NAS-Bench-201's tables could not be converted: the file, the 1-based line (CSV) and the
/// column or JSON path, and the problem.
public struct NASBench201ConversionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which input.
    public enum File: String, Hashable, Sendable {
        /// The accuracies CSV.
        case accuracies = "accuracies CSV"
        /// The test-accuracy JSON.
        case test = "test JSON"
    }

    /// What was wrong.
    public enum Problem: Hashable, Sendable {
        /// The CSV has no header line.
        case empty
        /// The header lacks the column.
        case missingColumn
        /// A line has the wrong number of fields (or the JSON's two lists differ in length).
        case wrongFieldCount(expected: Int, found: Int)
        /// A field that should be a number.
        case notANumber(String)
        /// A number outside [0, 100].
        case notAPercentage(Double)
        /// A cell string that does not parse.
        case invalidCell(NASBench201NotationError)
        /// The cell was already listed.
        case duplicateCell(String)
        /// The cell is not in the test table.
        case noTestAccuracy(String)
        /// The JSON does not have the expected shape.
        case invalidJSON(String)
    }

    /// Which input.
    public var file: File
    /// The 1-based line, for the CSV.
    public var line: Int?
    /// The column (CSV) or JSON path.
    public var column: String?
    /// What was wrong.
    public var problem: Problem

    /// Creates an error.
    public init(file: File, line: Int?, column: String?, problem: Problem) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// `accuracies CSV line 12, column "cifar10-val": expected a number, found "n/a"`.
    public var description: String {
        var location = file.rawValue
        if let line { location += " line \(line)" }
        if let column { location += ", column \"\(column)\"" }
        return "\(location): \(problemDescription)"
    }

    private var problemDescription: String {
        switch problem {
        case .empty: return "no header line"
        case .missingColumn: return "the header has no such column"
        case .wrongFieldCount(let expected, let found): return "expected \(expected) fields, found \(found)"
        case .notANumber(let text): return "expected a number, found \"\(text)\""
        case .notAPercentage(let value): return "expected an accuracy in percent (0…100), found \(value)"
        case .invalidCell(let error): return "invalid NAS-Bench-201 cell string, \(error)"
        case .duplicateCell(let notation): return "cell \(notation) is listed twice"
        case .noTestAccuracy(let notation): return "cell \(notation) has no test accuracy in the test JSON"
        case .invalidJSON(let why): return why
        }
    }
}
