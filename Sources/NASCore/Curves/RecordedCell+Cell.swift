extension RecordedCell {
    /// Why a recorded cell does not describe a cell of the cell space.
    public enum ConversionError: Error, Hashable, Sendable {
        /// The operation at `index` is neither a NAS-Bench-101 label nor an operation name.
        case unknownOperation(index: Int, RecordedCell.Operation)
        /// The operations and matrix do not form a valid cell.
        case invalidCell(CellError)
    }

    /// A record of `cell` as it is, with operation names (`"conv3x3-bn-relu"`, …) and its 0/1
    /// matrix; `cell()` gives the cell back.
    public init(_ cell: Cell) {
        self.init(operations: cell.operations.map { .name($0.rawValue) }, adjacency: cell.matrix)
    }

    /// The cell this record describes.
    ///
    /// An operation is read as a NAS-Bench-101 label (`-1` input, `-2` output, `0` conv3×3, `1`
    /// conv1×1, `2` max-pool3×3) or as a `CellOperation` name (`"conv3x3-bn-relu"`, …). Vertices
    /// labelled `-3` — the padding `nb101_data-*.json` puts after the output of smaller cells —
    /// are dropped with their rows and columns.
    ///
    /// - Throws: `ConversionError` for an unknown operation or an invalid cell.
    public func cell() throws(ConversionError) -> Cell {
        let paddingLabel = -3
        var kept: [Int] = []
        var operations: [CellOperation] = []
        for (index, operation) in self.operations.enumerated() {
            let converted: CellOperation?
            switch operation {
            case .code(paddingLabel):
                continue
            case .code(let label):
                converted = CellOperation(nasBench101Label: label)
            case .name(let name):
                converted = CellOperation(rawValue: name)
            }
            guard let converted else { throw .unknownOperation(index: index, operation) }
            kept.append(index)
            operations.append(converted)
        }
        let matrix = kept.map { row in
            kept.map { column in
                row < adjacency.count && column < adjacency[row].count ? adjacency[row][column] : 0
            }
        }
        do {
            return try Cell(operations: operations, matrix: matrix)
        } catch {
            throw .invalidCell(error)
        }
    }
}
