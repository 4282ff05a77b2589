import Foundation
import NASDaemon
import NASStore

/// `nasd report [RUN …]`: one self-contained HTML file with a run's figures and tables.
enum ReportCommand {
    static var all: [CommandSpec] { [report] }

    static let report = CommandSpec(
        ["report"], summary: "Write an HTML report of one or more runs (figures and tables, no scripts).",
        positionals: ["RUN..."], required: 0,
        options: [
            ControlSession.stateDirectoryOption,
            .value("run-dir", "DIR", "Report this run directory; several as DIR1,DIR2."),
        ] + OutputDestination.options,
        discussion: """
            Without RUN or --run-dir, reports every run of the state directory. The file is self-contained \
            (inline CSS and SVG; no scripts, fonts or network), reads on a phone and prints. Several runs overlay \
            their best-so-far curves. Reads the run stores directly, with or without a daemon; \
            'nasd serve --http HOST:PORT' serves the same pages live.
            """
    ) { arguments in
        var directories: [URL] = []
        if let list = arguments.value("run-dir") {
            directories += list.split(separator: ",").map { URL(fileURLWithPath: String($0), isDirectory: true) }
        }
        for name in arguments.positionals {
            directories.append(try ExportCommand.runDirectory(named: name, arguments))
        }
        if directories.isEmpty {
            let layout = ControlSession.stateDirectory(arguments)
            directories = try layout.runNames().map(layout.runDirectory(named:))
            guard !directories.isEmpty else {
                throw UsageError(
                    command: arguments.command, message: "no runs in \(layout.path); name a RUN or --run-dir")
            }
        }
        let runs = try directories.map { directory in
            try RunReportData.load(from: try RunStore(runDirectory: directory, mode: .mustExist))
        }
        let html = ReportDocument(runs: runs, generatedAt: Date()).html()
        if let path = try OutputDestination.write(html, arguments) {
            writeStandardError("nasd: wrote the report of \(runs.map(\.name).joined(separator: ", ")) to \(path)")
        }
        return ExitStatus.success
    }
}
