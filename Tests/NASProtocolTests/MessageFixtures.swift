import NASCore
import NASProtocol

/// One example of every message, with every optional field exercised somewhere.
enum MessageFixtures {
    static let spec = TrialSpec(
        trialID: "t-0007", runName: "demo", architecture: Architecture(layers: []),
        hyperparameters: ["learningRate": 0.01, "weightDecay": 0.0005], seed: 42, epochBudget: 20, startEpoch: 0,
        checkpointDirectory: "/tmp/ck/t-0007")

    static let inFlight = WorkerMessage.InFlightTrial(
        jobID: "j-12", attempt: 2, trialID: "t-0007", runName: "demo", lastEpochReported: 5)

    static let workerMessages: [WorkerMessage] = [
        .hello(
            .init(
                workerVersion: "0.1.0", token: "s3cret", workerID: "w-a", hostname: "gpu-1", slots: 2, gpus: [0, 1],
                inFlight: [inFlight])),
        .hello(.init(workerVersion: "0.1.0", token: "", workerID: "w-b", hostname: "h", slots: 1)),
        .epochProgress(
            .init(
                jobID: "j-12", attempt: 2, trialID: "t-0007", runName: "demo",
                record: EpochRecord(epoch: 6, validationAccuracy: 0.61, metrics: ["loss": 1.25]), seq: 99)),
        .complete(
            .init(
                jobID: "j-12", attempt: 2, trialID: "t-0007", runName: "demo",
                summary: .init(
                    epochsCompleted: 20, finalAccuracy: 0.8, bestAccuracy: 0.81, wallSeconds: 12.5,
                    metrics: ["loss": 0.5]),
                seq: 100)),
        .fail(
            .init(
                jobID: "j-13", attempt: 1, trialID: "t-0008", runName: "demo", reason: "trainer exited with status 3",
                exitCode: 3, logTail: ["Traceback", "ValueError: boom"], seq: 101)),
        .fail(
            .init(
                jobID: "j-14", attempt: 3, trialID: "t-0009", runName: "other", reason: "killed by signal 9",
                signal: 9, logTail: [], seq: 102)),
        .fail(
            .init(
                jobID: "j-15", attempt: 1, trialID: "t-0010", runName: "demo", reason: "no curve for [SM(10)]",
                logTail: [], permanent: true, seq: 103)),
        .heartbeat(.init(inFlight: [inFlight])),
        .heartbeat(.init(inFlight: [])),
        .log(.init(jobID: "j-12", trialID: "t-0007", runName: "demo", lines: ["epoch 6", "ünïcödé \"quoted\""])),
        .ready(.init(freeSlots: 3)),
    ]

    static let daemonMessages: [DaemonMessage] = [
        .welcome(
            .init(daemonVersion: "0.1.0", heartbeatInterval: 2, leaseTimeout: 10, reattachedJobIDs: ["j-12"])),
        .refused(.versionMismatch(daemon: 1, worker: 2, daemonVersion: "0.1.0", workerVersion: "0.2.0")),
        .refused(.badToken(workerProtocolVersion: 1)),
        .assign(.init(jobID: "j-1", attempt: 1, spec: spec, trainer: .surrogate(epochDelay: 0.05))),
        .assign(.init(jobID: "j-2", attempt: 2, spec: spec, trainer: .replay(path: "/data/replay.csv"))),
        .assign(
            .init(
                jobID: "j-3", attempt: 1, spec: spec,
                trainer: .command(
                    argv: ["python3", "train.py", "--fast"], environment: ["A": "1"], workingDirectory: "/w"))),
        .assign(
            .init(
                jobID: "j-4", attempt: 1, spec: spec,
                trainer: .command(argv: ["./t"], environment: [:], workingDirectory: nil))),
        .ack(.init(seq: 100)),
        .stopTrial(.init(jobID: "j-12", trialID: "t-0007", reason: "early stop", graceSeconds: 5)),
        .drain,
        .shutdown,
    ]

    static let controlRequests: [ControlRequest] = [
        .submit(configText: "name: demo\nseed: 1\n", fileName: "demo.yaml", restart: false),
        .submit(configText: "name: x\n", fileName: "x.yaml", restart: true),
        .status(run: nil),
        .status(run: "demo"),
        .trials(run: "demo", state: nil),
        .trials(run: "demo", state: "running"),
        .trials(run: "demo", state: "completed", page: TrialPageRequest(sort: "accuracy", limit: 20, offset: 40)),
        .best(run: "demo"),
        .workers,
        .logs(run: "demo", trial: "t-0007", tail: 50),
        .logs(run: "demo", trial: "t-0007", tail: nil),
        .pause(run: "demo"),
        .resume(run: "demo"),
        .stop(run: "demo"),
        .delete(run: "demo"),
        .archive(run: "demo"),
        .drain,
        .shutdown,
        .metrics,
        .stopTrial(run: "demo", trial: "7"),
        .retryTrial(run: "demo", trial: "t-0007"),
    ]

    static let controlResponses: [ControlResponse] = [
        .ok(.null),
        .ok(
            .object([
                "runs": .array([.object(["name": .string("demo"), "done": .number(3), "paused": .bool(false)])]),
                "best": .number(0.8125),
            ])),
        .error(ControlError(code: .notFound, message: "no run named 'demo'")),
        .error(ControlError(code: ControlError.Code(rawValue: "custom"), message: "x")),
    ]
}
