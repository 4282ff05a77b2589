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
        let all = [columns] + rows
        let widths = columns.indices.map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.indices.map { index in
                index == row.count - 1
                    ? row[index] : row[index].padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
