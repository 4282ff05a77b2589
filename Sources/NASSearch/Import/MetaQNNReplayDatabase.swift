import NASCore

/// The replay database of an original MetaQNN run (`replay_database.csv` of
/// `bowenbaker/metaqnn`): one row per network incorporated, re-samples included, in order.
///
/// Columns used: `net` (MetaQNN notation, dropout layers `D(i,n)` included), `accuracy_best_val`
/// (the reward the original replays), `epsilon` (the ε the network was proposed at). A row whose
/// accuracy is not in [0, 1] (the fixture's synthetic rows hold 86.0) or whose fields do not parse
/// is rejected with its line and reason; the rest become `ReplayRecord`s.
public struct MetaQNNReplayDatabase: Hashable, Sendable {
    /// A row that did not become a record.
    public struct RejectedRow: Hashable, Sendable {
        /// The row's line in the file.
        public var line: Int
        /// Why.
        public var reason: String
    }

    /// The accepted rows, in file order.
    public let records: [ReplayRecord]
    /// The rejected rows, in file order.
    public let rejected: [RejectedRow]
    /// The number of data rows in the file.
    public var rowCount: Int { records.count + rejected.count }

    /// Reads a replay database's text.
    ///
    /// - Parameters:
    ///   - text: the file's text.
    ///   - acceptsAnyAccuracy: keep rows whose accuracy is outside [0, 1] too (to reproduce what
    ///     the original code did with the fixture's synthetic rows); default false.
    /// - Throws: `CSVTableError` when the text is not a table or lacks a needed column.
    public init(csv text: String, acceptsAnyAccuracy: Bool = false) throws(CSVTableError) {
        let table = try CSVTable(text: text)
        let net = try table.column("net")
        let accuracy = try table.column("accuracy_best_val")
        let epsilon = try table.column("epsilon")
        var records: [ReplayRecord] = []
        var rejected: [RejectedRow] = []
        for row in table.records {
            guard row.fields.count == table.header.count else {
                rejected.append(
                    .init(line: row.line, reason: "\(row.fields.count) fields, the header has \(table.header.count)"))
                continue
            }
            guard let value = Double(row.fields[accuracy]), value.isFinite,
                acceptsAnyAccuracy || (0...1).contains(value)
            else {
                rejected.append(
                    .init(line: row.line, reason: "accuracy_best_val '\(row.fields[accuracy])' is not in [0, 1]"))
                continue
            }
            guard let rate = Double(row.fields[epsilon]), (0...1).contains(rate) else {
                rejected.append(.init(line: row.line, reason: "epsilon '\(row.fields[epsilon])' is not in [0, 1]"))
                continue
            }
            do {
                let network = Network.sequential(try Architecture(notation: row.fields[net]))
                records.append(ReplayRecord(line: row.line, network: network, accuracy: value, epsilon: rate))
            } catch {
                rejected.append(.init(line: row.line, reason: "net does not parse: \(error)"))
            }
        }
        self.records = records
        self.rejected = rejected
    }
}
