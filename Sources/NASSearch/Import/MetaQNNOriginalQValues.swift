import NASCore

/// The Q-table an original MetaQNN run saved (`q_values.csv` of `bowenbaker/metaqnn`): one row
/// per (state, action) with its utility, states as the original's tuples
/// (`layer_type, layer_depth, filter_depth, filter_size, stride, image_size, fc_size, terminate`,
/// image sizes bucketed; an action is the state it leads to, with the start state's image size
/// for a convolution, a pool or termination).
///
/// The original's conventions are translated to `MetaQNNState`'s: the start state's
/// `filter_depth` 1 becomes 0, an FC state's `filter_depth` (its index in a run of FC layers,
/// from 0) becomes `consecutiveFullyConnected` (from 1).
public struct MetaQNNOriginalQValues: Hashable, Sendable {
    /// One row: Q(state, action) = utility.
    public struct Entry: Hashable, Sendable {
        /// The bucketed state.
        public var state: MetaQNNState
        /// The action, as the original writes it.
        public var action: MetaQNNState
        /// Its utility.
        public var utility: Double
    }

    /// The rows, in file order.
    public let entries: [Entry]

    /// Reads a Q-table's text.
    ///
    /// - Throws: `CSVTableError` when the text is not a table or lacks a column;
    ///   `MetaQNNOriginalQValuesError` for a row that does not describe two states.
    public init(csv text: String) throws {
        let table = try CSVTable(text: text)
        let fields = [
            "layer_type", "layer_depth", "filter_depth", "filter_size", "stride", "image_size", "fc_size",
            "terminate",
        ]
        let start = try fields.map { name throws(CSVTableError) in try table.column("start_" + name) }
        let end = try fields.map { name throws(CSVTableError) in try table.column("end_" + name) }
        let utility = try table.column("utility")
        entries = try table.records.map { record throws(MetaQNNOriginalQValuesError) in
            guard let from = Self.state(record, start), let to = Self.state(record, end),
                record.fields.indices.contains(utility), let value = Double(record.fields[utility])
            else { throw MetaQNNOriginalQValuesError.badRow(line: record.line) }
            return Entry(state: from, action: to, utility: value)
        }
    }

    private static func state(_ record: CSVTable.Record, _ columns: [Int]) -> MetaQNNState? {
        guard columns.allSatisfy({ record.fields.indices.contains($0) }) else { return nil }
        let numbers = columns.dropFirst().compactMap { Double(record.fields[$0]).map { Int($0) } }
        guard numbers.count == 7 else { return nil }
        let name = record.fields[columns[0]]
        let type: MetaQNNState.LayerType
        switch name {
        case "start": type = .start
        case "conv": type = .convolution
        case "pool": type = .pooling
        case "fc": type = .fullyConnected
        case "gap": type = .globalAveragePooling
        default: return nil
        }
        let spatial = type == .convolution || type == .pooling
        return MetaQNNState(
            layerType: type, layerDepth: numbers[0], filterDepth: type == .convolution ? numbers[1] : 0,
            filterSize: spatial ? numbers[2] : 0, stride: spatial ? numbers[3] : 0, imageSize: numbers[4],
            fcSize: type == .fullyConnected ? numbers[5] : 0,
            consecutiveFullyConnected: type == .fullyConnected ? numbers[1] + 1 : 0, isTerminal: numbers[6] == 1)
    }

    /// Whether `action` (one of `MetaQNNSpace.legalActions(from:)`) is the choice the original
    /// writes as `original`: the same layer and parameters, image sizes aside.
    public static func isSameChoice(_ action: MetaQNNState, _ original: MetaQNNState) -> Bool {
        if action.isTerminal || original.isTerminal { return action.isTerminal == original.isTerminal }
        return action.layerType == original.layerType && action.filterDepth == original.filterDepth
            && action.filterSize == original.filterSize && action.stride == original.stride
            && action.fcSize == original.fcSize
    }
}

/// Why a `q_values.csv` row was refused.
public enum MetaQNNOriginalQValuesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The row at `line` does not hold two states and a utility.
    case badRow(line: Int)

    public var description: String {
        switch self {
        case .badRow(let line): return "line \(line): not a (state, action, utility) row"
        }
    }
}
