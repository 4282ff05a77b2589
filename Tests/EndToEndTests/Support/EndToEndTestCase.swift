import Foundation
import Glibc
import NASTestSupport
import XCTest

/// The base of every end-to-end test: starts the built `nasd` as daemons and workers, runs its
/// control commands, polls with deadlines, and in `tearDown` kills every process group it started
/// and removes its temporary directories.
class EndToEndTestCase: XCTestCase {
    private var processes: [ManagedProcess] = []
    private var temporaryDirectories: [URL] = []
    /// Process groups started by others (trainers) that a test recorded, killed in `tearDown` too.
    var strayProcessGroups: [pid_t] = []

    override func setUp() async throws {
        try await super.setUp()
        let binary = TestEnvironment.nasdBinary.path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestEnvironment.skip("no nasd binary at \(binary): run 'swift build' (or 'make test') first")
        }
    }

    override func tearDown() async throws {
        for process in processes.reversed() {
            await process.kill()
        }
        for group in strayProcessGroups where ProcessScan.isRunning(group) {
            Glibc.kill(-group, SIGKILL)
        }
        // Children of our children in groups of their own (the local workers of `nasd run`):
        // found by the temporary directory on their command line.
        for directory in temporaryDirectories {
            for pid in ProcessScan.processIDs(mentioning: directory.path) {
                Glibc.kill(pid, SIGKILL)
            }
        }
        if (testRun?.totalFailureCount ?? 0) > 0 {
            for process in processes {
                print("---- output of \(process.name) (pid \(process.processID)) ----\n\(process.output)")
            }
        }
        processes = []
        strayProcessGroups = []
        for directory in temporaryDirectories {
            try? FileManager.default.removeItem(at: directory)
        }
        temporaryDirectories = []
        try await super.tearDown()
    }

    // MARK: - Scratch space

    /// A fresh short-pathed directory, removed in `tearDown`.
    func makeTemporaryDirectory() throws -> URL {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "e2e")
        temporaryDirectories.append(directory)
        return directory
    }

    /// Writes `text` to `name` in `directory` and returns its path.
    @discardableResult
    func write(_ text: String, to name: String, in directory: URL) throws -> URL {
        let file = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    // MARK: - Processes

    /// Starts `nasd arguments…` as a child that `tearDown` kills with its process group.
    func startProcess(
        name: String, arguments: [String], executable: String = NASDCommand.executable
    ) throws -> ManagedProcess {
        let process = try ManagedProcess.start(name: name, executable: executable, arguments: arguments)
        processes.append(process)
        return process
    }

    /// Has `tearDown` kill `process` with its process group.
    func track(_ process: ManagedProcess) {
        processes.append(process)
    }

    /// Starts `nasd serve` on `port` (0: any free port) and waits until it announces its worker port.
    func startDaemon(
        stateDirectory: URL, port: UInt16 = 0, leaseTimeout: Double? = nil, name: String = "daemon"
    ) async throws -> DaemonInstance {
        var arguments = ["serve", "--state-dir", stateDirectory.path, "--listen", "127.0.0.1:\(port)"]
        if let leaseTimeout { arguments += ["--lease-timeout", String(leaseTimeout)] }
        let process = try startProcess(name: name, arguments: arguments)
        let announced = try await eventually("the daemon to announce its worker port", timeout: 30) { () -> UInt16? in
            if process.hasExited { throw EndToEndError.daemonDidNotStart(output: process.output) }
            return Self.announcedPort(in: process.standardError)
        }
        return DaemonInstance(process: process, stateDirectory: stateDirectory, port: announced)
    }

    /// The port in the daemon's "workers connect to 127.0.0.1:PORT" line.
    private static func announcedPort(in log: String) -> UInt16? {
        guard let range = log.range(of: "workers connect to 127.0.0.1:") else { return nil }
        let digits = log[range.upperBound...].prefix { $0.isNumber }
        return UInt16(digits)
    }

    /// Starts `nasd worker` against `daemon` with `slots` slots.
    func startWorker(id: String, slots: Int = 1, daemon: DaemonInstance) throws -> ManagedProcess {
        try startProcess(
            name: "worker \(id)",
            arguments: [
                "worker", "--connect", daemon.workerEndpoint, "--token-file", daemon.tokenFile, "--slots",
                String(slots), "--id", id,
            ])
    }

    // MARK: - Control commands

    /// Runs `nasd arguments… --state-dir DIR` to completion.
    func nasd(
        _ arguments: [String], stateDirectory: URL, timeout: Double = 30, executable: String = NASDCommand.executable
    ) async throws -> CommandOutcome {
        try await NASDCommand.run(
            arguments + ["--state-dir", stateDirectory.path], timeout: timeout, executable: executable)
    }

    /// Runs a command that must succeed and decodes its JSON output.
    func nasdJSON<Payload: Decodable>(
        _ type: Payload.Type, _ arguments: [String], stateDirectory: URL
    ) async throws -> Payload {
        let outcome = try await nasd(arguments + ["--json"], stateDirectory: stateDirectory)
        guard outcome.exitCode == 0 else {
            throw EndToEndError.undecodableOutput(
                command: "nasd \(arguments.joined(separator: " "))", reason: "\(outcome)")
        }
        return try outcome.decodeOutput(type)
    }

    /// `nasd submit FILE`, which must succeed.
    func submit(_ configuration: URL, to daemon: DaemonInstance) async throws {
        let outcome = try await nasd(["submit", configuration.path], stateDirectory: daemon.stateDirectory)
        XCTAssertEqual(outcome.exitCode, 0, "submit \(configuration.lastPathComponent): \(outcome)")
    }

    /// `nasd status RUN --json`.
    func status(of run: String, in stateDirectory: URL) async throws -> RunStatusPayload {
        try await nasdJSON(RunStatusPayload.self, ["status", run], stateDirectory: stateDirectory)
    }

    /// `nasd trials RUN --json`.
    func trials(of run: String, in stateDirectory: URL) async throws -> [TrialPayload] {
        try await nasdJSON([TrialPayload].self, ["trials", run], stateDirectory: stateDirectory)
    }

    /// `nasd workers --json`.
    func workers(of daemon: DaemonInstance) async throws -> [WorkerPayload] {
        try await nasdJSON([WorkerPayload].self, ["workers"], stateDirectory: daemon.stateDirectory)
    }

    /// Polls `nasd status RUN --json` every 100 ms until the run has ended.
    @discardableResult
    func waitForRunToEnd(_ run: String, in stateDirectory: URL, timeout: Double = 60) async throws
        -> RunStatusPayload
    {
        try await eventually("run '\(run)' to end", timeout: timeout) {
            let view = try? await self.status(of: run, in: stateDirectory)
            return view?.hasEnded == true ? view : nil
        }
    }

    // MARK: - Polling

    /// Calls `probe` every `interval` seconds until it returns a value, failing after `timeout`.
    @discardableResult
    func eventually<Value>(
        _ condition: String, timeout: Double, interval: Double = 0.1,
        _ probe: () async throws -> Value?
    ) async throws -> Value {
        let deadline = Date().addingTimeInterval(timeout)
        var lastError = "nothing yet"
        while true {
            do {
                if let value = try await probe() { return value }
            } catch let error as EndToEndError {
                if case .daemonDidNotStart = error { throw error }
                lastError = "\(error)"
            } catch {
                lastError = "\(error)"
            }
            if Date() >= deadline {
                throw EndToEndError.timedOut(waitingFor: condition, seconds: timeout, last: lastError)
            }
            try await Task.sleep(for: .seconds(interval))
        }
    }
}
