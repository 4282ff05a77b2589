import Foundation
import NASCore
import NASSystem

/// The external trainer: a program started for each trial in its own process group, which reads
/// the trial spec from a JSON file and reports epochs as `NASD_EPOCH` lines on stdout
/// (docs/trainer-protocol.md, "External trainers").
///
/// `train` writes the spec file (`nasd-trial-spec.json` in the checkpoint directory, which it
/// creates), starts the command with the worker's environment plus `environment`, the `NASD_*`
/// variables and `CUDA_VISIBLE_DEVICES` (when `visibleGPUs` is not empty), and reads its output:
/// every line goes to `logSink`; epoch lines become reports. Ending:
///
/// - `report` answers `.stop` before the budget, or `requestStop(grace:)` is called: SIGTERM to
///   the group, SIGKILL `terminationGrace` later; epoch lines printed meanwhile are still
///   reported; the outcome is `.stopRequested` (`.budgetReached` if the budget's epoch came in).
/// - The calling task is cancelled: SIGTERM, SIGKILL `cancellationGrace` later; throws
///   `.cancelled`.
/// - Exit 0: `.budgetReached`, or `.endedBeforeBudget` when the budget's epoch was not reported.
/// - Non-zero exit or a signal the worker did not send: `.processFailed` with the exit status
///   (128 + the signal for a signal) and the last `logTailLength` lines.
/// - A malformed epoch line: the group is terminated and `train` throws `.malformedEpochLine`.
///
/// A `ProcessTrainer` value trains one trial at a time: `requestStop` and `lastExitStatus` refer
/// to the current (or last) `train` call. Copies share that state; make one per trial.
public struct ProcessTrainer: Trainer {
    /// The command: the program (a path, or a name looked up on `PATH`) and its arguments.
    public var argv: [String]
    /// Variables added to the worker's environment (the run config's `trainer.environment`).
    public var environment: [String: String]
    /// The trainer's working directory; the worker's when `nil`.
    public var workingDirectory: String?
    /// The GPUs of the worker slot, exported as `CUDA_VISIBLE_DEVICES`; none when empty.
    public var visibleGPUs: [Int]
    /// Time between SIGTERM and SIGKILL when the trial is stopped.
    public var terminationGrace: Duration
    /// Time between SIGTERM and SIGKILL when the calling task is cancelled.
    public var cancellationGrace: Duration
    /// How many output lines a failure carries.
    public var logTailLength: Int
    /// The spec file's name inside the checkpoint directory.
    public var specFileName: String
    /// Receives every output line of the trainer, stdout and stderr, epoch lines included.
    public var logSink: @Sendable (Subprocess.OutputLine) -> Void
    private let termination = ProcessTermination()

    /// Creates an external trainer.
    ///
    /// - Parameters:
    ///   - argv: the program and its arguments.
    ///   - environment: variables added to the worker's own.
    ///   - workingDirectory: where it runs (the worker's directory when `nil`).
    ///   - visibleGPUs: the slot's GPUs, for `CUDA_VISIBLE_DEVICES`.
    ///   - terminationGrace: SIGTERM-to-SIGKILL time on a stop (default 30 s).
    ///   - cancellationGrace: SIGTERM-to-SIGKILL time on cancellation (default 5 s).
    ///   - logTailLength: lines kept for a failure (default 20).
    ///   - logSink: receives every output line.
    public init(
        argv: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
        visibleGPUs: [Int] = [], terminationGrace: Duration = .seconds(30), cancellationGrace: Duration = .seconds(5),
        logTailLength: Int = 20, logSink: @escaping @Sendable (Subprocess.OutputLine) -> Void = { _ in }
    ) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.visibleGPUs = visibleGPUs
        self.terminationGrace = terminationGrace
        self.cancellationGrace = cancellationGrace
        self.logTailLength = logTailLength
        self.specFileName = "nasd-trial-spec.json"
        self.logSink = logSink
    }

    /// The command line, for logs and errors.
    public var name: String { argv.joined(separator: " ") }

    /// Stops the trial: SIGTERM to the trainer's process group now (or as soon as it starts),
    /// SIGKILL after `grace` (`terminationGrace` when `nil`). `train` then returns
    /// `.stopRequested` with the last epoch reported.
    public func requestStop(grace: Duration? = nil) {
        termination.request(.stop, grace: grace ?? terminationGrace)
    }

    /// How the last trainer process ended; `nil` while it runs or when it never started.
    public var lastExitStatus: ExitStatus? { termination.exitStatus }

    /// The last output lines of the last trainer process (at most `logTailLength`).
    public var lastLogTail: [String] { termination.logTail }

    /// Runs the command for one trial; see the type's discussion for how it ends.
    ///
    /// - Throws: `.invalidSpec`, `.launchFailed` (spec file or process), `.malformedEpochLine`,
    ///   `.processFailed`, `.cancelled`.
    public func train(
        _ spec: TrialSpec, report: @Sendable (EpochRecord) async -> EpochDecision
    ) async throws(TrainerError) -> TrainingOutcome {
        try EpochPacing.check(spec)
        termination.begin()
        guard let program = argv.first, !program.isEmpty else {
            termination.finish(exitStatus: nil, logTail: [])
            throw .launchFailed(command: argv, reason: "the command is empty")
        }
        var spec = spec
        spec.checkpointDirectory = resolve(spec.checkpointDirectory)
        let child: Subprocess
        do throws(TrainerError) {
            let specPath = try writeSpecFile(spec)
            if Task.isCancelled {
                throw .cancelled(trialID: spec.trialID, lastEpoch: spec.startEpoch)
            }
            if termination.cause == .stop {
                termination.finish(exitStatus: nil, logTail: [])
                return TrainingOutcome(ending: .stopRequested, lastEpoch: spec.startEpoch)
            }
            child = try launch(program: program, spec: spec, specPath: specPath)
        } catch {
            termination.finish(exitStatus: nil, logTail: [])
            throw error
        }
        let transcript = await withTaskCancellationHandler {
            await supervise(child, spec: spec, report: report)
        } onCancel: {
            termination.request(.cancel, grace: cancellationGrace)
        }
        return try outcome(of: transcript, spec: spec)
    }

    // MARK: - Starting

    private func resolve(_ directory: String) -> String {
        if directory.hasPrefix("/") { return directory }
        let base = workingDirectory ?? FileManager.default.currentDirectoryPath
        let resolvedBase = base.hasPrefix("/") ? base : FileManager.default.currentDirectoryPath + "/" + base
        return URL(fileURLWithPath: resolvedBase).appendingPathComponent(directory).standardizedFileURL.path
    }

    private func writeSpecFile(_ spec: TrialSpec) throws(TrainerError) -> String {
        let path = URL(fileURLWithPath: spec.checkpointDirectory).appendingPathComponent(specFileName).path
        do {
            try FileManager.default.createDirectory(
                atPath: spec.checkpointDirectory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try AtomicFile.write(Array(try encoder.encode(spec)), to: path, permissions: 0o600)
        } catch {
            throw .launchFailed(command: argv, reason: "cannot write the trial spec \(path): \(error)")
        }
        return path
    }

    private func launch(program: String, spec: TrialSpec, specPath: String) throws(TrainerError) -> Subprocess {
        var variables = ProcessEnvironment.current
        variables.merge(environment) { _, added in added }
        variables.merge(TrainerEnvironment.variables(for: spec, specPath: specPath)) { _, added in added }
        if !visibleGPUs.isEmpty {
            variables["CUDA_VISIBLE_DEVICES"] = visibleGPUs.map(String.init).joined(separator: ",")
        }
        let configuration = Subprocess.Configuration(
            executable: program, arguments: Array(argv.dropFirst()), environment: variables,
            workingDirectory: workingDirectory)
        do {
            return try Subprocess.spawn(configuration)
        } catch {
            throw .launchFailed(command: argv, reason: error.description)
        }
    }

    // MARK: - Running

    /// What `supervise` saw of one process.
    private struct Transcript {
        var reader: TrainerLineChannel.Reader
        var tail: LogTail
        var violation: TrainerError?
        var exitStatus: ExitStatus = .exited(0)
    }

    /// Reads the output until both pipes close, reports epochs, and terminates the group when
    /// asked; returns once the process has exited.
    private func supervise(
        _ child: Subprocess, spec: TrialSpec, report: @Sendable (EpochRecord) async -> EpochDecision
    ) async -> Transcript {
        var transcript = Transcript(
            reader: TrainerLineChannel.Reader(spec: spec), tail: LogTail(capacity: logTailLength))
        let termination = self.termination
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await Self.enforceTermination(of: child, termination) }
            group.addTask { await Self.reapStragglers(of: child) }
            for await line in child.output {
                transcript.tail.append(line.text)
                logSink(line)
                guard line.stream == .stdout, transcript.violation == nil else { continue }
                let record: EpochRecord?
                do throws(TrainerError) {
                    record = try transcript.reader.read(line: line.text)
                } catch {
                    transcript.violation = error
                    termination.request(.protocolViolation, grace: cancellationGrace)
                    continue
                }
                guard let record, termination.cause != .cancel else { continue }
                if await report(record) == .stop, record.epoch < spec.epochBudget {
                    termination.request(.stop, grace: terminationGrace)
                }
            }
            // The pipes close when every process of the group has exited (or closed them); after a
            // cancellation the loop ends early and the enforcer brings the exit.
            transcript.exitStatus = await child.waitForExit()
            termination.finish(exitStatus: transcript.exitStatus, logTail: transcript.tail.contents)
            await group.waitForAll()
            return transcript
        }
    }

    /// Waits for the first termination request, then SIGTERM to the group and SIGKILL at the
    /// deadline if any member is still alive. Ignores cancellation: it is how cancellation acts.
    private static func enforceTermination(of child: Subprocess, _ termination: ProcessTermination) async {
        guard await termination.waitForRequest() else { return }
        try? child.signalGroup(SIGTERM)
        while child.isGroupAlive {
            guard let deadline = termination.killDeadline else { break }
            let now = monotonicNow()
            if now >= deadline {
                child.killGroup()
                return
            }
            await ProcessTermination.sleepIgnoringCancellation(min(.milliseconds(20), deadline - now))
        }
    }

    /// Once the trainer itself has exited, gives the rest of its group a moment, then kills it:
    /// a leftover child (a data loader) would otherwise hold the output pipes open forever.
    private static func reapStragglers(of child: Subprocess) async {
        _ = await child.waitForExit()
        let deadline = monotonicNow() + .seconds(1)
        while child.isGroupAlive {
            if monotonicNow() >= deadline {
                child.killGroup()
                return
            }
            await ProcessTermination.sleepIgnoringCancellation(.milliseconds(20))
        }
    }

    // MARK: - Ending

    private func outcome(of transcript: Transcript, spec: TrialSpec) throws(TrainerError) -> TrainingOutcome {
        if let violation = transcript.violation {
            throw violation
        }
        let lastEpoch = transcript.reader.lastEpoch
        let budgetReached = lastEpoch >= spec.epochBudget
        switch termination.cause {
        case .cancel:
            throw .cancelled(trialID: spec.trialID, lastEpoch: lastEpoch)
        case .stop:
            return TrainingOutcome(ending: budgetReached ? .budgetReached : .stopRequested, lastEpoch: lastEpoch)
        case .protocolViolation, nil:
            break
        }
        switch transcript.exitStatus {
        case .exited(0):
            return TrainingOutcome(ending: budgetReached ? .budgetReached : .endedBeforeBudget, lastEpoch: lastEpoch)
        case .exited(let status):
            throw .processFailed(exitStatus: status, logTail: transcript.tail.contents)
        case .signaled(let signal):
            throw .processFailed(exitStatus: 128 + signal, logTail: transcript.tail.contents)
        }
    }
}
