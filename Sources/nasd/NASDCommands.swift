/// The table of every `nasd` command.
enum NASDCommands {
    static let version = "0.1.0"

    static var all: [CommandSpec] {
        DaemonCommands.all + WorkerCommand.all + ControlCommands.all + TrialCommands.all + ExportCommand.all
            + ReportCommand.all + MetricsCommand.all + ArchCommands.all + ConfigCommands.all + ConvertCommand.all
            + ReplayCommand.all + ImportCommand.all + PredictCommands.all
    }
}
