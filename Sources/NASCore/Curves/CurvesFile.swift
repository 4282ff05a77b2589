import Foundation

/// Reads and writes curves files: JSON Lines, one `CurveRecord` per line (docs/curves-format.md).
///
/// Pure: it works on text and bytes; callers read and write the files. Blank lines are skipped,
/// unknown fields are ignored, and the first malformed line stops the parse with an error that
/// names its line number and field.
public enum CurvesFile {
    /// The field names the format defines, in the order the writer emits them.
    public static let fieldNames = [
        "arch", "layers", "cell", "curve", "epochs", "budget", "complete", "hyper", "input", "params", "flops",
        "test_accuracy", "id",
    ]

    /// Parses a whole curves file.
    ///
    /// - Parameter text: the file's contents.
    /// - Returns: one record per non-blank line, in file order.
    /// - Throws: `CurvesFileError` for the first malformed line.
    public static func parse(_ text: String) throws(CurvesFileError) -> [CurveRecord] {
        try parse(Data(text.utf8))
    }

    /// Parses a whole curves file from its bytes (UTF-8; `\n` or `\r\n` line ends).
    ///
    /// - Throws: `CurvesFileError` for the first malformed line.
    public static func parse(_ data: Data) throws(CurvesFileError) -> [CurveRecord] {
        var records: [CurveRecord] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if let record = try parseLine(Data(line), lineNumber: lineNumber, decoder: decoder) {
                records.append(record)
            }
        }
        return records
    }

    /// Parses one line.
    ///
    /// - Parameters:
    ///   - line: the line's text, without or with its line end.
    ///   - lineNumber: the 1-based line number to name in errors.
    /// - Returns: the record, or `nil` for a blank line.
    /// - Throws: `CurvesFileError` naming `lineNumber` and the field.
    public static func parseLine(_ line: String, lineNumber: Int) throws(CurvesFileError) -> CurveRecord? {
        try parseLine(Data(line.utf8), lineNumber: lineNumber, decoder: JSONDecoder())
    }

    /// Writes records as a curves file: one line each, every line ending in `\n`.
    ///
    /// - Throws: `CurvesFileError` (with `line` = the record's 1-based position) when a record's
    ///   layer list cannot be encoded.
    public static func format(_ records: [CurveRecord]) throws(CurvesFileError) -> String {
        var output = ""
        for (index, record) in records.enumerated() {
            output += try formatLine(record, lineNumber: index + 1)
            output += "\n"
        }
        return output
    }

    /// Writes one record as one line (without the line end). Fields are written in the order of
    /// `fieldNames`; `epochs` only when it is not `1, 2, …`, `hyper` only when non-empty, and
    /// `params`, `flops`, `test_accuracy`, `id` only when present.
    ///
    /// - Throws: `CurvesFileError` when the record's layer list cannot be encoded.
    public static func formatLine(_ record: CurveRecord, lineNumber: Int = 1) throws(CurvesFileError) -> String {
        var members: [(String, CurveJSON)] = []
        switch record.network {
        case .notation(let architecture):
            members.append(("arch", .string(architecture.notation)))
        case .nb201(let cell):
            members.append(("arch", .string(cell.notation)))
        case .layers(let architecture):
            members.append(("layers", try encodeLayers(architecture, lineNumber: lineNumber)))
        case .cell(let cell):
            let operations = cell.operations.map { operation -> CurveJSON in
                switch operation {
                case .code(let code): return .integer(code)
                case .name(let name): return .string(name)
                }
            }
            let adjacency = cell.adjacency.map { row in CurveJSON.array(row.map { .integer($0) }) }
            members.append(("cell", .object(["ops": .array(operations), "adjacency": .array(adjacency)])))
        }
        members.append(("curve", .array(record.curve.map { .number($0) })))
        if record.epochs != record.curve.indices.map({ $0 + 1 }) {
            members.append(("epochs", .array(record.epochs.map { .integer($0) })))
        }
        members.append(("budget", .integer(record.budget)))
        members.append(("complete", .bool(record.isComplete)))
        if !record.hyperparameters.isEmpty {
            members.append(("hyper", .object(record.hyperparameters.mapValues { .number($0) })))
        }
        let input = record.input
        members.append(("input", .array([.integer(input.channels), .integer(input.height), .integer(input.width)])))
        if let parameters = record.parameters { members.append(("params", .integer(parameters))) }
        if let flops = record.flops { members.append(("flops", .integer(flops))) }
        if let testAccuracy = record.testAccuracy { members.append(("test_accuracy", .number(testAccuracy))) }
        if let id = record.id { members.append(("id", .string(id))) }
        return "{" + members.map { JSONStringLiteral.quoted($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
    }

    // MARK: - Reading

    private static func parseLine(_ bytes: Data, lineNumber: Int, decoder: JSONDecoder) throws(CurvesFileError)
        -> CurveRecord?
    {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        let isBlank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if isBlank { return nil }
        let value: CurveJSON
        do {
            value = try decoder.decode(CurveJSON.self, from: bytes)
        } catch {
            throw CurvesFileError(
                line: lineNumber, field: nil, problem: .invalidJSON(explain(error, data: Data(bytes))))
        }
        guard case .object(let fields) = value else {
            throw CurvesFileError(line: lineNumber, field: nil, problem: .notAnObject)
        }
        return try LineReader(fields: fields, line: lineNumber, decoder: decoder).record()
    }

    /// Reads the fields of one line, each check naming its field.
    private struct LineReader {
        let fields: [String: CurveJSON]
        let line: Int
        let decoder: JSONDecoder

        func fail(_ field: String?, _ problem: CurvesFileError.Problem) -> CurvesFileError {
            CurvesFileError(line: line, field: field, problem: problem)
        }

        /// The field's value; an explicit `null` counts as absent.
        func value(_ name: String) -> CurveJSON? {
            guard let value = fields[name], value != .null else { return nil }
            return value
        }

        func record() throws(CurvesFileError) -> CurveRecord {
            let network = try readNetwork()
            let curve = try readCurve()
            let epochs = try readEpochs(count: curve.count)
            let budget = try readBudget(lastEpoch: epochs.last ?? 0)
            var isComplete = true
            if let complete = value("complete") {
                guard case .bool(let flag) = complete else {
                    throw fail("complete", .wrongType(expected: "true or false"))
                }
                isComplete = flag
            }
            return CurveRecord(
                network: network, curve: curve, epochs: epochs, budget: budget, isComplete: isComplete,
                hyperparameters: try readHyperparameters(), input: try readInput(),
                parameters: try readCount("params"), flops: try readCount("flops"), id: try readID(),
                testAccuracy: try readTestAccuracy())
        }

        func readNetwork() throws(CurvesFileError) -> CurveNetwork {
            let present = ["arch", "layers", "cell"].filter { value($0) != nil }
            // `arch` with `layers` or `cell` is what trial specs write: both must name one network.
            if present == ["arch", "layers"] || present == ["arch", "cell"] { return try readArchWithStructure() }
            guard present.count <= 1 else { throw fail(present.joined(separator: ","), .conflictingNetworks(present)) }
            guard let name = present.first, let raw = value(name) else {
                throw fail("arch", .missingNetwork)
            }
            switch name {
            case "arch":
                return try readArch(raw)
            case "layers":
                return .layers(try readLayerList(raw))
            default:
                return .cell(try readCell(raw))
            }
        }

        /// `arch` as bracket notation, as a NAS-Bench-201 cell string when it starts with `|`, or as
        /// NAS-Bench-101 cell notation (`input,conv3x3-bn-relu,output;0>1,1>2`, kept as a `cell`).
        func readArch(_ raw: CurveJSON) throws(CurvesFileError) -> CurveNetwork {
            guard case .string(let notation) = raw else { throw fail("arch", .wrongType(expected: "a string")) }
            if notation.hasPrefix("|") {
                do {
                    return .nb201(try NASBench201Cell(notation: notation))
                } catch {
                    throw fail("arch", .invalidCellString(error))
                }
            }
            do {
                return .notation(try Architecture(notation: notation))
            } catch {
                if !notation.hasPrefix("["), let cell = try? Cell(notation: notation) {
                    return .cell(RecordedCell(cell))
                }
                throw fail("arch", .invalidNotation(error))
            }
        }

        func readLayerList(_ raw: CurveJSON) throws(CurvesFileError) -> Architecture {
            guard case .array = raw else { throw fail("layers", .wrongType(expected: "a list of layer objects")) }
            return try readLayers(raw)
        }

        /// `arch` given with `layers` or `cell`: kept in the structured form when both describe the
        /// same network (a cell compared after conversion, as the replay trainer reads it).
        func readArchWithStructure() throws(CurvesFileError) -> CurveNetwork {
            guard let archValue = value("arch") else { throw fail("arch", .missingNetwork) }
            let arch = try readArch(archValue)
            let field: String
            let structure: CurveNetwork
            if let layersValue = value("layers") {
                field = "layers"
                structure = .layers(try readLayerList(layersValue))
            } else if let cellValue = value("cell") {
                field = "cell"
                structure = .cell(try readCell(cellValue))
            } else {
                throw fail("arch", .missingNetwork)
            }
            let archNetwork = arch.network
            guard let archNetwork, archNetwork == structure.network else {
                let described = structure.network?.notation ?? "a cell with no input→output path"
                throw fail(
                    field,
                    .networksDiffer(arch: archNetwork?.notation ?? "", field: field, describes: described))
            }
            // A sequential network keeps its `arch` form; a cell keeps its operations as written.
            if case .notation = arch { return arch }
            return structure
        }

        func readLayers(_ raw: CurveJSON) throws(CurvesFileError) -> Architecture {
            do {
                let wrapped = try JSONEncoder().encode(CurveJSON.object(["layers": raw]))
                return try decoder.decode(Architecture.self, from: wrapped)
            } catch let error as ArchitectureDecodingError {
                var field = "layers"
                if let index = error.layerIndex { field += "[\(index)]" }
                if !error.field.isEmpty, error.field != "layers" { field += "." + error.field }
                throw fail(field, .invalidLayer(error))
            } catch let DecodingError.dataCorrupted(context) {
                throw fail(path(context.codingPath), .invalidLayers(context.debugDescription))
            } catch let DecodingError.keyNotFound(key, context) {
                throw fail(path(context.codingPath + [key]), .missing)
            } catch let DecodingError.typeMismatch(type, context) {
                throw fail(path(context.codingPath), .wrongType(expected: "\(type)"))
            } catch let DecodingError.valueNotFound(type, context) {
                throw fail(path(context.codingPath), .wrongType(expected: "\(type)"))
            } catch {
                throw fail("layers", .invalidLayers(explain(error)))
            }
        }

        /// `layers[2].kernel` from a decoding path that starts at the wrapper's `layers` key.
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text.isEmpty ? "layers" : text
        }

        func readCell(_ raw: CurveJSON) throws(CurvesFileError) -> RecordedCell {
            guard case .object(let cell) = raw else { throw fail("cell", .wrongType(expected: "an object")) }
            guard let opsValue = cell["ops"] else { throw fail("cell.ops", .missing) }
            guard case .array(let opsList) = opsValue, !opsList.isEmpty else {
                throw fail("cell.ops", .wrongType(expected: "a non-empty list"))
            }
            var operations: [RecordedCell.Operation] = []
            for (index, op) in opsList.enumerated() {
                switch op {
                case .string(let name): operations.append(.name(name))
                default:
                    guard let code = op.integerValue else {
                        throw fail("cell.ops[\(index)]", .wrongType(expected: "an integer code or a name"))
                    }
                    operations.append(.code(code))
                }
            }
            guard let adjacencyValue = cell["adjacency"] else { throw fail("cell.adjacency", .missing) }
            guard case .array(let rows) = adjacencyValue else {
                throw fail("cell.adjacency", .wrongType(expected: "a list of rows"))
            }
            guard rows.count == operations.count else {
                throw fail("cell.adjacency", .lengthMismatch(expected: operations.count, actual: rows.count))
            }
            var adjacency: [[Int]] = []
            for (rowIndex, row) in rows.enumerated() {
                guard case .array(let entries) = row else {
                    throw fail("cell.adjacency[\(rowIndex)]", .wrongType(expected: "a list of 0/1"))
                }
                guard entries.count == operations.count else {
                    throw fail(
                        "cell.adjacency[\(rowIndex)]",
                        .lengthMismatch(expected: operations.count, actual: entries.count))
                }
                var values: [Int] = []
                for (column, entry) in entries.enumerated() {
                    guard let bit = entry.integerValue, bit == 0 || bit == 1 else {
                        throw fail("cell.adjacency[\(rowIndex)][\(column)]", .outOfRange(expected: "0 or 1"))
                    }
                    values.append(bit)
                }
                adjacency.append(values)
            }
            return RecordedCell(operations: operations, adjacency: adjacency)
        }

        func readCurve() throws(CurvesFileError) -> [Double] {
            guard let raw = value("curve") else { throw fail("curve", .missing) }
            guard case .array(let points) = raw, !points.isEmpty else {
                throw fail("curve", .wrongType(expected: "a non-empty list of accuracies"))
            }
            var curve: [Double] = []
            for (index, point) in points.enumerated() {
                guard let accuracy = point.doubleValue else {
                    throw fail("curve[\(index)]", .wrongType(expected: "a number"))
                }
                guard accuracy >= 0, accuracy <= 1 else {
                    throw fail("curve[\(index)]", .outOfRange(expected: "an accuracy in [0, 1]"))
                }
                curve.append(accuracy)
            }
            return curve
        }

        func readEpochs(count: Int) throws(CurvesFileError) -> [Int] {
            guard let raw = value("epochs") else { return (0..<count).map { $0 + 1 } }
            guard case .array(let entries) = raw else {
                throw fail("epochs", .wrongType(expected: "a list of integers"))
            }
            guard entries.count == count else {
                throw fail("epochs", .lengthMismatch(expected: count, actual: entries.count))
            }
            var epochs: [Int] = []
            for (index, entry) in entries.enumerated() {
                guard let epoch = entry.integerValue else {
                    throw fail("epochs[\(index)]", .wrongType(expected: "an integer"))
                }
                guard epoch >= 1, epoch > (epochs.last ?? 0) else {
                    throw fail("epochs[\(index)]", .outOfRange(expected: "epoch indices ≥ 1, strictly increasing"))
                }
                epochs.append(epoch)
            }
            return epochs
        }

        func readBudget(lastEpoch: Int) throws(CurvesFileError) -> Int {
            guard let raw = value("budget") else { return lastEpoch }
            guard let budget = raw.integerValue else { throw fail("budget", .wrongType(expected: "an integer")) }
            guard budget >= lastEpoch else {
                throw fail("budget", .outOfRange(expected: "at least the last recorded epoch, \(lastEpoch)"))
            }
            return budget
        }

        func readHyperparameters() throws(CurvesFileError) -> [String: Double] {
            guard let raw = value("hyper") else { return [:] }
            guard case .object(let members) = raw else {
                throw fail("hyper", .wrongType(expected: "an object of numbers"))
            }
            var hyperparameters: [String: Double] = [:]
            for (name, member) in members {
                guard let number = member.doubleValue else {
                    throw fail("hyper.\(name)", .wrongType(expected: "a number"))
                }
                hyperparameters[name] = number
            }
            return hyperparameters
        }

        func readInput() throws(CurvesFileError) -> TensorShape {
            guard let raw = value("input") else { return .cifar }
            guard case .array(let entries) = raw, entries.count == 3 else {
                throw fail("input", .wrongType(expected: "[C,H,W]"))
            }
            let dimensions = entries.compactMap(\.integerValue)
            guard dimensions.count == 3, dimensions.allSatisfy({ $0 >= 1 }) else {
                throw fail("input", .outOfRange(expected: "[C,H,W] of positive integers"))
            }
            return TensorShape(channels: dimensions[0], height: dimensions[1], width: dimensions[2])
        }

        func readCount(_ name: String) throws(CurvesFileError) -> Int? {
            guard let raw = value(name) else { return nil }
            guard let count = raw.integerValue else { throw fail(name, .wrongType(expected: "an integer")) }
            guard count >= 0 else { throw fail(name, .outOfRange(expected: "a non-negative integer")) }
            return count
        }

        func readTestAccuracy() throws(CurvesFileError) -> Double? {
            guard let raw = value("test_accuracy") else { return nil }
            guard let accuracy = raw.doubleValue else { throw fail("test_accuracy", .wrongType(expected: "a number")) }
            guard accuracy >= 0, accuracy <= 1 else {
                throw fail("test_accuracy", .outOfRange(expected: "an accuracy in [0, 1]"))
            }
            return accuracy
        }

        func readID() throws(CurvesFileError) -> String? {
            guard let raw = value("id") else { return nil }
            switch raw {
            case .string(let id): return id
            case .integer(let id): return String(id)
            default: throw fail("id", .wrongType(expected: "a string or an integer"))
            }
        }
    }

    // MARK: - Writing

    private static func encodeLayers(_ architecture: Architecture, lineNumber: Int) throws(CurvesFileError)
        -> CurveJSON
    {
        do {
            let data = try JSONEncoder().encode(architecture)
            let value = try JSONDecoder().decode(CurveJSON.self, from: data)
            guard case .object(let members) = value, let layers = members["layers"] else {
                throw CurvesFileError(
                    line: lineNumber, field: "layers", problem: .unencodable("no \"layers\" in the architecture's JSON")
                )
            }
            return layers
        } catch let error as CurvesFileError {
            throw error
        } catch {
            throw CurvesFileError(line: lineNumber, field: "layers", problem: .unencodable(explain(error)))
        }
    }

    /// A one-line explanation of a decoding error, without Swift's type dump (`JSONInputError`).
    private static func explain(_ error: any Error, data: Data = Data()) -> String {
        JSONInputError(decoding: error, data: data).message
    }
}
