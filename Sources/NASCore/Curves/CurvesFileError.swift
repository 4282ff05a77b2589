/// Why a line of a curves file could not be read (or a record could not be written): names the
/// 1-based line number and the field.
public struct CurvesFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the field.
    public enum Problem: Hashable, Sendable {
        /// The line is not valid JSON; the decoder's explanation.
        case invalidJSON(String)
        /// The line is JSON but not an object.
        case notAnObject
        /// A required field is absent.
        case missing
        /// None of `arch`, `layers`, `cell` is present.
        case missingNetwork
        /// More than one of `arch`, `layers`, `cell` is present (their names), other than `arch`
        /// with `layers` or with `cell`.
        case conflictingNetworks([String])
        /// The value has the wrong JSON type; what was expected.
        case wrongType(expected: String)
        /// The value is of the right type but not allowed; what is allowed.
        case outOfRange(expected: String)
        /// Two lists that must have the same length do not.
        case lengthMismatch(expected: Int, actual: Int)
        /// The `arch` string is not valid bracket notation.
        case invalidNotation(NotationError)
        /// The `arch` string starts with `|` but is not a valid NAS-Bench-201 cell string.
        case invalidCellString(NASBench201NotationError)
        /// `arch` and `layers` (or `cell`) are both given but describe different networks: the
        /// notation `arch` gives, the other field's name and the notation of what it describes.
        case networksDiffer(arch: String, field: String, describes: String)
        /// A layer of the `layers` list is not valid.
        case invalidLayer(ArchitectureDecodingError)
        /// The `layers` list is not a valid layer list; the decoder's explanation.
        case invalidLayers(String)
        /// A record could not be written; the encoder's explanation.
        case unencodable(String)
    }

    /// The 1-based line number (for a writer error, the 1-based position of the record).
    public var line: Int
    /// The field, with a path into it where useful (`curve[3]`, `layers[2].kernel`); `nil` for a
    /// problem with the whole line.
    public var field: String?
    /// What was wrong.
    public var problem: Problem

    /// Creates an error for `field` of line `line`.
    public init(line: Int, field: String?, problem: Problem) {
        self.line = line
        self.field = field
        self.problem = problem
    }

    /// `line 4, field "curve[2]": expected a number in [0, 1]`.
    public var description: String {
        let location = field.map { "line \(line), field \"\($0)\"" } ?? "line \(line)"
        return "\(location): \(problemDescription)"
    }

    private var problemDescription: String {
        switch problem {
        case .invalidJSON(let explanation): return "not valid JSON (\(explanation))"
        case .notAnObject: return "expected a JSON object"
        case .missing: return "required field is missing"
        case .missingNetwork: return "one of \"arch\", \"layers\" or \"cell\" is required"
        case .conflictingNetworks(let names):
            return "only one of \"arch\", \"layers\", \"cell\" may be given, found " + names.joined(separator: ", ")
        case .wrongType(let expected): return "expected \(expected)"
        case .outOfRange(let expected): return "expected \(expected)"
        case .lengthMismatch(let expected, let actual): return "expected \(expected) entries, found \(actual)"
        case .invalidNotation(let error): return "invalid notation at offset \(error.offset): \(error.message)"
        case .invalidCellString(let error): return "invalid NAS-Bench-201 cell string, \(error)"
        case .networksDiffer(let arch, let field, let describes):
            return "\"arch\" is \(arch) but \"\(field)\" describes \(describes); they must be the same network"
        case .invalidLayer(let error): return "invalid layer (\(error))"
        case .invalidLayers(let explanation): return "invalid layer list (\(explanation))"
        case .unencodable(let explanation): return "cannot be written (\(explanation))"
        }
    }
}
