/// The network a curve belongs to, in one of the forms a curves file accepts.
public enum CurveNetwork: Hashable, Sendable {
    /// Field `arch`: a sequential network in bracket notation.
    case notation(Architecture)
    /// Field `layers`: a sequential network as a JSON layer list.
    case layers(Architecture)
    /// Field `cell`: a NAS-Bench-101-style cell, kept as written.
    case cell(RecordedCell)
    /// Field `arch` with a string starting with `|`: a NAS-Bench-201 cell.
    case nb201(NASBench201Cell)

    /// The sequential network, for the `arch` and `layers` forms; `nil` for a cell.
    public var architecture: Architecture? {
        switch self {
        case .notation(let architecture), .layers(let architecture): return architecture
        case .cell, .nb201: return nil
        }
    }

    /// The name of the field this form is written under: `arch`, `layers` or `cell`.
    public var fieldName: String {
        switch self {
        case .notation, .nb201: return "arch"
        case .layers: return "layers"
        case .cell: return "cell"
        }
    }
}
