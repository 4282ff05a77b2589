/// Why a network's notation could not be parsed, by the parser that was tried.
public enum NetworkNotationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text starts with `[` but is not valid bracket notation.
    case sequential(NotationError)
    /// The text is not valid cell notation.
    case cell(CellNotationError)
    /// The text starts with `|` but is not a valid NAS-Bench-201 cell string.
    case nb201(NASBench201NotationError)

    /// The parser's explanation, prefixed by the kind of notation.
    public var description: String {
        switch self {
        case .sequential(let error): return "bracket notation, \(error)"
        case .cell(let error): return "cell notation: \(error)"
        case .nb201(let error): return "NAS-Bench-201 cell, \(error)"
        }
    }
}
