/// A network a trial trains: a sequential architecture (MetaQNN, block spaces), a NAS-Bench-101
/// cell (the cell space) or a NAS-Bench-201 cell (the nb201 space).
///
/// Its identity for "already trained?" is `canonicalHash`: dropout-free notation for a sequential
/// network, the canonical form of the pruned cell for a NAS-Bench-101 cell (so isomorphic cells are
/// one network), the benchmark's own string for a NAS-Bench-201 cell (no merging: its 15,625 cells
/// stay distinct, as in the benchmark).
public enum Network: Hashable, Sendable {
    /// A sequential network in the layer model of docs/architecture-model.md.
    case sequential(Architecture)
    /// A NAS-Bench-101 cell, as proposed (not necessarily pruned or canonical).
    case cell(Cell)
    /// A NAS-Bench-201 cell.
    case nb201(NASBench201Cell)

    /// Parses a network: bracket notation when the text starts with `[`, a NAS-Bench-201 cell
    /// (`|nor_conv_3x3~0|+|…|`) when it starts with `|`, cell notation
    /// (`input,conv3x3-bn-relu,output;0>1,1>2`) otherwise.
    ///
    /// - Throws: `NetworkNotationError` wrapping the parser's error.
    public init(notation: String) throws(NetworkNotationError) {
        if notation.hasPrefix("|") {
            do {
                self = .nb201(try NASBench201Cell(notation: notation))
            } catch {
                throw .nb201(error)
            }
        } else if notation.hasPrefix("[") {
            do {
                self = .sequential(try Architecture(notation: notation))
            } catch {
                throw .sequential(error)
            }
        } else {
            do {
                self = .cell(try Cell(notation: notation))
            } catch {
                throw .cell(error)
            }
        }
    }

    /// The network as written: bracket notation for a sequential network, the cell's own
    /// notation (`Cell.notation`) for a cell, the benchmark's string for a NAS-Bench-201 cell.
    /// `Network(notation: n.notation) == n`.
    public var notation: String {
        switch self {
        case .sequential(let architecture): return architecture.notation
        case .cell(let cell): return cell.notation
        case .nb201(let cell): return cell.notation
        }
    }

    /// The identity of the network: `Architecture.canonicalNotation` (dropout removed), the
    /// canonical notation of the pruned cell (`Cell.canonicalNotation()`), or a NAS-Bench-201
    /// cell's string as it is. A cell with no input→output path has no canonical form; its own
    /// notation stands in.
    public var canonicalNotation: String {
        switch self {
        case .sequential(let architecture): return architecture.canonicalNotation
        case .cell(let cell): return (try? cell.canonicalNotation()) ?? cell.notation
        case .nb201(let cell): return cell.notation
        }
    }

    /// The SHA-256 hex digest of `canonicalNotation`: equal for isomorphic cells, and for
    /// sequential networks that differ only in dropout.
    public var canonicalHash: String {
        SHA256.hexDigest(of: canonicalNotation)
    }

    /// The sequential architecture; `nil` for a cell.
    public var architecture: Architecture? {
        if case .sequential(let architecture) = self { return architecture }
        return nil
    }

    /// The NAS-Bench-101 cell; `nil` for other networks.
    public var cell: Cell? {
        if case .cell(let cell) = self { return cell }
        return nil
    }

    /// The NAS-Bench-201 cell; `nil` for other networks.
    public var nb201Cell: NASBench201Cell? {
        if case .nb201(let cell) = self { return cell }
        return nil
    }
}

extension Network: CustomStringConvertible {
    /// The notation (`notation`).
    public var description: String { notation }
}
