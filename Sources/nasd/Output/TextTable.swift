/// A plain-text table with left-aligned columns, for human output.
struct TextTable {
    var columns: [String]
    var rows: [[String]] = []

    init(columns: [String]) {
        self.columns = columns
    }

    mutating func add(_ row: [String]) {
        rows.append(row)
    }

    func render() -> String {
        render(header: true, minimumWidths: []).text
    }

    /// The table's lines, each column at least as wide as `minimumWidths` says (so a table printed
    /// in pages keeps its columns aligned as long as no later cell is wider), and the widths used.
    func render(header: Bool, minimumWidths: [Int]) -> (text: String, widths: [Int]) {
        let all = header ? [columns] + rows : rows
        let widths = columns.indices.map { column in
            max(
                column < minimumWidths.count ? minimumWidths[column] : 0,
                ([columns] + rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 0)
        }
        let text = all.map { row in
            row.indices.map { index in
                index == row.count - 1
                    ? row[index] : row[index] + String(repeating: " ", count: max(0, widths[index] - row[index].count))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        return (text, widths)
    }
}
