import Foundation
import Glibc

/// A child process in its own process group, with its output read line by line on threads.
///
/// Spawned with `posix_spawn`: its own process group (`POSIX_SPAWN_SETPGROUP`), an empty signal
/// mask and default dispositions for every signal (`POSIX_SPAWN_SETSIGMASK`/`SETSIGDEF`, so a
/// worker that ignores SIGPIPE does not pass that on), stdin from `/dev/null`, stdout and stderr
/// into pipes, and every other descriptor closed. Two threads read stdout and stderr into
/// `output`; a third waits for the exit with `waitpid`. Signals go to the whole group, so a
/// trainer's own children (data loaders) stop with it.
public final class Subprocess: Sendable {
    /// What to run.
    public struct Configuration: Sendable {
        /// The program: a path, or a name looked up on `PATH` when it contains no `/`.
        public var executable: String
        /// The arguments after the program name.
        public var arguments: [String]
        /// The complete environment; `nil` inherits this process's.
        public var environment: [String: String]?
        /// The working directory; `nil` keeps this process's.
        public var workingDirectory: String?
        /// The longest output line kept, in bytes.
        public var maximumLineLength: Int

        /// Creates a configuration.
        public init(
            executable: String, arguments: [String] = [], environment: [String: String]? = nil,
            workingDirectory: String? = nil, maximumLineLength: Int = 64 * 1024
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.workingDirectory = workingDirectory
            self.maximumLineLength = maximumLineLength
        }
    }

    /// One line of the child's output.
    public struct OutputLine: Hashable, Sendable {
        /// Which pipe it came from.
        public enum Stream: String, Hashable, Sendable {
            /// Standard output.
            case stdout
            /// Standard error.
            case stderr
        }

        /// Which pipe it came from.
        public var stream: Stream
        /// The text, without the newline.
        public var text: String
        /// Whether the line exceeded the maximum length and was cut.
        public var isTruncated: Bool

        /// Creates an output line.
        public init(stream: Stream, text: String, isTruncated: Bool = false) {
            self.stream = stream
            self.text = text
            self.isTruncated = isTruncated
        }
    }

    private struct ExitState {
        var status: ExitStatus?
        var waiters: [CheckedContinuation<ExitStatus, Never>] = []
    }

    /// The child's process ID, which is also its process group ID.
    public let processID: pid_t
    /// The output lines of stdout and stderr, in the order read; ends when both pipes close.
    public let output: AsyncStream<OutputLine>
    private let exit = Locked(ExitState())

    private init(processID: pid_t, output: AsyncStream<OutputLine>) {
        self.processID = processID
        self.output = output
    }

    /// Starts a child process.
    ///
    /// - Parameter configuration: What to run.
    /// - Returns: The running child; its exit is collected on a dedicated thread.
    /// - Throws: `SystemError` from `pipe2` or `posix_spawn` (`ENOENT` for a missing program).
    public static func spawn(_ configuration: Configuration) throws(SystemError) -> Subprocess {
        let stdout = try FileDescriptor.makePipe()
        let stderr = try FileDescriptor.makePipe()
        let processID = try SpawnRequest(configuration).spawn(stdout: stdout.writeEnd, stderr: stderr.writeEnd)
        stdout.writeEnd.close()
        stderr.writeEnd.close()

        let (stream, continuation) = AsyncStream.makeStream(of: OutputLine.self)
        let child = Subprocess(processID: processID, output: stream)
        let openPipes = Locked(2)
        for (pipe, kind) in [(stdout.readEnd, OutputLine.Stream.stdout), (stderr.readEnd, .stderr)] {
            let reader = Thread {
                readLines(from: pipe, stream: kind, maximumLineLength: configuration.maximumLineLength) {
                    continuation.yield($0)
                }
                pipe.close()
                if openPipes.withLock({ count in
                    count -= 1
                    return count == 0
                }) {
                    continuation.finish()
                }
            }
            reader.name = "nasd-child-\(kind.rawValue)"
            reader.start()
        }
        let waiter = Thread { child.waitForExitBlocking() }
        waiter.name = "nasd-child-wait"
        waiter.start()
        return child
    }

    private static func readLines(
        from pipe: FileDescriptor, stream: OutputLine.Stream, maximumLineLength: Int, emit: (OutputLine) -> Void
    ) {
        var splitter = LineSplitter(maximumLineLength: maximumLineLength)
        while let chunk = try? pipe.read(upToCount: 16 * 1024), !chunk.isEmpty {
            for line in splitter.append(chunk) {
                emit(OutputLine(stream: stream, text: line.text, isTruncated: line.isTruncated))
            }
        }
        if let line = splitter.finish() {
            emit(OutputLine(stream: stream, text: line.text, isTruncated: line.isTruncated))
        }
    }

    private func waitForExitBlocking() {
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(processID, &status, 0)
        } while result < 0 && errno == EINTR
        // ECHILD only if someone else reaped our child; report it as killed, not as success.
        let exitStatus = result == processID ? ExitStatus(waitStatus: status) : .signaled(SIGKILL)
        let waiters = exit.withLock { state in
            state.status = exitStatus
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            waiter.resume(returning: exitStatus)
        }
    }

    /// The exit status, once the child has exited and been reaped.
    public var exitStatus: ExitStatus? { exit.withLock { $0.status } }

    /// Waits for the child to exit.
    ///
    /// - Returns: How it ended.
    public func waitForExit() async -> ExitStatus {
        await withCheckedContinuation { continuation in
            let status: ExitStatus? = exit.withLock { state in
                if let status = state.status {
                    return status
                }
                state.waiters.append(continuation)
                return nil
            }
            if let status {
                continuation.resume(returning: status)
            }
        }
    }

    /// Sends a signal to the child's whole process group.
    ///
    /// - Throws: `SystemError` from `kill` (`ESRCH` when no process of the group is left).
    public func signalGroup(_ signal: Int32) throws(SystemError) {
        guard kill(-processID, signal) == 0 else {
            throw .fromErrno("kill", context: "process group \(processID), signal \(signal)")
        }
    }

    /// Whether any process of the child's group is still running.
    ///
    /// Zombies do not count: a killed grandchild reparented to an init that never reaps (as in
    /// some containers) is dead even though `kill(-pgid, 0)` still finds it.
    public var isGroupAlive: Bool {
        guard kill(-processID, 0) == 0 else { return false }
        return ProcessTable.hasLiveMember(ofGroup: processID)
    }

    /// Sends SIGKILL to the whole process group at once.
    public func killGroup() {
        try? signalGroup(SIGKILL)
    }

    /// Stops the child's process group: SIGTERM, then SIGKILL after `grace` if any process of
    /// the group (the child or one of its children) is still alive.
    ///
    /// - Parameter grace: How long the group has to exit after SIGTERM (a trainer may finish its
    ///   epoch and save a checkpoint).
    /// - Returns: How the child ended, once it has been reaped and (within a further second)
    ///   every killed member of its group has been reaped by its parent.
    public func terminate(grace: Duration) async -> ExitStatus {
        try? signalGroup(SIGTERM)
        let deadline = monotonicNow() + grace
        while isGroupAlive && monotonicNow() < deadline {
            try? await Task.sleep(for: min(.milliseconds(20), deadline - monotonicNow()))
        }
        if isGroupAlive {
            killGroup()
        }
        let status = await waitForExit()
        // Killed grandchildren linger as zombies until their new parent (init or a subreaper)
        // reaps them; give it a moment so that callers see an empty group.
        let reapDeadline = monotonicNow() + .seconds(1)
        while isGroupAlive && monotonicNow() < reapDeadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return status
    }
}
