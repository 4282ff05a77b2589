/// A comma-separated table (RFC 4180): a header row and records, quoted fields that may hold
/// commas, line breaks and `""` for a quote; LF or CRLF line ends. Each record keeps the line it
/// starts on, for located errors.
public struct CSVTable: Hashable, Sendable {
    /// One record: its fields and the 1-based line it starts on.
    public struct Record: Hashable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// The header's field names.
    public let header: [String]
    /// The records after the header; blank lines are skipped.
    public let records: [Record]

    /// Parses a table.
    ///
    /// - Throws: `CSVTableError` for a file without a header or with an unterminated quote.
    public init(text: String) throws(CSVTableError) {
        var rows: [Record] = []
        var fields: [String] = []
        var field = ""
        var isQuoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if isQuoted {
                if scalar == "\"" {
                    if index < scalars.count && scalars[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        isQuoted = false
                        afterQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                isQuoted = true
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\r" where index < scalars.count && scalars[index] == "\n":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if isQuoted { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let first = rows.first else { throw .missingHeader }
        header = first.fields
        records = Array(rows.dropFirst())
    }

    /// The position of the column named `name`.
    ///
    /// - Throws: `CSVTableError.missingColumn`.
    public func column(_ name: String) throws(CSVTableError) -> Int {
        guard let index = header.firstIndex(of: name) else { throw .missingColumn(name) }
        return index
    }
}

/// Why a CSV text is not a table.
public enum CSVTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text has no header row.
    case missingHeader
    /// A quoted field starting in the record at `line` never ends.
    case unterminatedQuote(line: Int)
    /// The header lacks a required column.
    case missingColumn(String)

    public var description: String {
        switch self {
        case .missingHeader: return "no header row"
        case .unterminatedQuote(let line): return "line \(line): a quoted field does not end"
        case .missingColumn(let name): return "no column '\(name)' in the header"
        }
    }
}
