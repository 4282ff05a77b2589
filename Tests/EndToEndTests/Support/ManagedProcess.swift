import Foundation
import NASSystem

/// A long-running child (a daemon, a worker) started by a test: its own process group, its output
/// collected as it comes, killed with its whole group when the test ends.
final class ManagedProcess: @unchecked Sendable {
    // @unchecked: `lines` is only touched under `lock`; the other stored properties are immutable.
    /// What the test calls it in failure messages (`daemon`, `worker w1`).
    let name: String
    /// The child; its process ID is also its process group ID.
    let subprocess: Subprocess
    private let lock = NSLock()
    private var lines: [Subprocess.OutputLine] = []
    private var collector: Task<Void, Never>?

    private init(name: String, subprocess: Subprocess) {
        self.name = name
        self.subprocess = subprocess
    }

    /// Starts `executable arguments` in a process group of its own and collects its output.
    static func start(name: String, executable: String, arguments: [String]) throws -> ManagedProcess {
        let subprocess = try Subprocess.spawn(.init(executable: executable, arguments: arguments))
        let process = ManagedProcess(name: name, subprocess: subprocess)
        process.collector = Task { [process] in
            for await line in subprocess.output {
                process.lock.withLock { process.lines.append(line) }
            }
        }
        return process
    }

    /// The process ID (and process group ID).
    var processID: pid_t { subprocess.processID }

    /// Whether the child has been reaped.
    var hasExited: Bool { subprocess.exitStatus != nil }

    /// Everything it printed on standard error so far.
    var standardError: String {
        lock.withLock { lines.filter { $0.stream == .stderr }.map(\.text) }.joined(separator: "\n")
    }

    /// Everything it printed so far, both streams, in the order read.
    var output: String {
        lock.withLock { lines.map(\.text) }.joined(separator: "\n")
    }

    /// Kills the whole process group at once (SIGKILL) and waits until the child is reaped and its
    /// output collected.
    func kill() async {
        subprocess.killGroup()
        _ = await subprocess.waitForExit()
        await collector?.value
    }

    /// Waits for the child to exit by itself, at most `seconds`.
    ///
    /// - Returns: How it ended, or `nil` when it was still running at the deadline.
    func waitForExit(seconds: Double) async -> ExitStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = subprocess.exitStatus {
                await collector?.value
                return status
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return subprocess.exitStatus
    }
}
