import Foundation
import NASDaemon
import NASProtocol

/// `nasd trial stop|retry RUN TRIAL`: act on the one trial a user knows is wrong.
enum TrialCommands {
    static var all: [CommandSpec] { [stop, retry] }

    static let stop = action(
        "stop", summary: "Stop one queued or running trial (it ends cancelled; the strategy proposes another).",
        ControlRequest.stopTrial)

    static let retry = action(
        "retry", summary: "Queue a failed or cancelled trial's network again as a new trial.", ControlRequest.retryTrial
    )

    private static func action(
        _ name: String, summary: String, _ request: @escaping @Sendable (String, String) -> ControlRequest
    ) -> CommandSpec {
        CommandSpec(
            ["trial", name], summary: summary, positionals: ["RUN", "TRIAL"],
            options: [ControlSession.stateDirectoryOption, ControlSession.jsonOption],
            discussion: "TRIAL is a trial id such as 7 (as 'nasd trials RUN' lists). Needs the running daemon."
        ) { arguments in
            let trial = arguments.positionals[1]
            guard RunViews.trialID(named: trial) != nil else {
                throw UsageError(
                    command: arguments.command, message: "TRIAL expects a trial id such as 7; found '\(trial)'")
            }
            let payload = try await ControlSession.send(request(arguments.positionals[0], trial), arguments)
            if !arguments.has("json"), let acknowledgement = try? payload.decode(as: ControlAcknowledgement.self) {
                writeStandardOutput(acknowledgement.message)
            } else {
                try printJSON(payload)
            }
            return ExitStatus.success
        }
    }
}
