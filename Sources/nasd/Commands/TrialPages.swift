import Foundation
import NASDaemon
import NASProtocol
import NASSystem

/// `nasd trials`'s reading: one `trials` request per page, each page printed as it arrives, so the
/// first rows of a run with 100,000 trials appear without waiting for the rest, and neither the
/// daemon nor this process holds every trial at once.
struct TrialPages {
    /// The rows of the first page: few, so they come back at once.
    static let firstPageSize = 100
    /// The rows of every later page from a daemon: well inside its 1 MiB frame (a trial's row is
    /// about 650 bytes of JSON with a MetaQNN network of depth 18).
    static let pageSize = 250
    /// The rows of every later page read from a run directory (`--run-dir`): no frame to fit, and
    /// each page opens the store again.
    static let runDirectoryPageSize = 5_000

    var run: String
    var state: String?
    var sort: String?
    var limit: Int?

    /// Reads the pages and prints them: a table (columns as wide as the widest cell seen so far),
    /// or with `--json` one JSON array (the same text as a single response would give).
    func print(_ arguments: ParsedArguments) async throws {
        var offset = 0
        var widths: [Int] = []
        var streamingJSON = false
        while true {
            let later = arguments.value("run-dir") == nil ? Self.pageSize : Self.runDirectoryPageSize
            let wanted = offset == 0 ? Self.firstPageSize : later
            let size = limit.map { min(wanted, $0 - offset) } ?? wanted
            let page = try await ControlSession.view(
                .trials(run: run, state: state, page: TrialPageRequest(sort: sort, limit: size, offset: offset)),
                arguments)
            let trials = try page.decode(as: [TrialView].self)
            let isLast = trials.count < size || limit.map { offset + trials.count >= $0 } ?? false
            if arguments.has("json") {
                if offset == 0 && isLast {
                    try printJSON(page)
                } else {
                    if !trials.isEmpty {
                        try writeJSONElements(trials, first: !streamingJSON)
                        streamingJSON = true
                    }
                    if isLast { writeStandardOutput(streamingJSON ? "\n]" : "[\n\n]") }
                }
            } else if offset == 0 && trials.isEmpty {
                writeStandardOutput(ControlOutput.trialTable([]))
            } else if !trials.isEmpty {
                writeStandardOutput(ControlOutput.trialTablePage(trials, first: offset == 0, widths: &widths))
            }
            offset += trials.count
            if isLast { return }
        }
    }

    /// Writes array elements as `printJSON` would place them inside one pretty-printed array.
    private func writeJSONElements(_ trials: [TrialView], first: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var text = first ? "[\n" : ",\n"
        text += try trials.map { trial in
            String(decoding: try encoder.encode(trial), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        }.joined(separator: ",\n")
        StandardStream.output.write(text)
    }
}
