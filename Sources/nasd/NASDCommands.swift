/// The table of every `nasd` command.
enum NASDCommands {
    static let version = "0.1.0"

    static var all: [CommandSpec] {
        DaemonCommands.all + WorkerCommand.all + ControlCommands.all + ExportCommand.all + ReportCommand.all
            + ArchCommands.all
            + ConfigCommands.all
    }
}
