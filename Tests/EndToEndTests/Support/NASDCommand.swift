import Foundation
import NASSystem
import NASTestSupport

/// Runs the built `nasd` binary to completion, as a user would from a shell.
enum NASDCommand {
    /// The binary under test: `$NASD_BIN`, else `.build/debug/nasd`.
    static var executable: String { TestEnvironment.nasdBinary.path }

    /// Runs `nasd arguments…` (the binary under test, or `executable`), killing it (and failing)
    /// when it runs past `timeout` seconds.
    static func run(
        _ arguments: [String], workingDirectory: String? = nil, timeout: Double = 30,
        executable: String = NASDCommand.executable
    ) async throws -> CommandOutcome {
        let child = try Subprocess.spawn(
            .init(executable: executable, arguments: arguments, workingDirectory: workingDirectory))
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            child.killGroup()
            return true
        }
        var standardOutput: [String] = []
        var standardError: [String] = []
        for await line in child.output {
            switch line.stream {
            case .stdout: standardOutput.append(line.text)
            case .stderr: standardError.append(line.text)
            }
        }
        let status = await child.waitForExit()
        watchdog.cancel()
        if (try? await watchdog.value) == true, status == .signaled(SIGKILL) {
            throw EndToEndError.commandTimedOut(arguments: arguments, seconds: timeout)
        }
        return CommandOutcome(status: status, standardOutput: standardOutput, standardError: standardError)
    }
}
