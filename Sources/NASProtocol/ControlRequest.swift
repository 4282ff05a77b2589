/// A request on the daemon's control socket (one per `nasd` client command).
///
/// JSON form: `{"type":"logs","run":"demo","trial":"t-0007","tail":50}`.
public enum ControlRequest: Hashable, Sendable, WireMessage {
    /// Add a run from a configuration file's text; `restart` discards a stored run of that name
    /// whose configuration changed the search.
    case submit(configText: String, fileName: String, restart: Bool)
    /// All runs, or one run in detail.
    case status(run: String?)
    /// A run's trials, optionally only those in one state, one page of them in an order.
    case trials(run: String, state: String?, page: TrialPageRequest = TrialPageRequest())
    /// A run's best trials so far.
    case best(run: String)
    /// The connected workers.
    case workers
    /// A trial's log; `tail` limits it to the last lines.
    case logs(run: String, trial: String, tail: Int?)
    /// Stop dispatching a run's trials (running ones finish).
    case pause(run: String)
    /// Resume a paused run.
    case resume(run: String)
    /// End a run: stop its trials and mark it stopped.
    case stop(run: String)
    /// Delete a finished run's directory.
    case delete(run: String)
    /// Archive a finished run's directory.
    case archive(run: String)
    /// Stop dispatching everywhere and let trials reach an epoch boundary.
    case drain
    /// Drain, snapshot and exit.
    case shutdown
    /// The daemon's live counters and gauges (workers, slots, queues, latencies) for `/metrics`.
    case metrics
    /// Stop one trial (queued or running): it ends as cancelled and the strategy moves on.
    case stopTrial(run: String, trial: String)
    /// Train a failed or cancelled trial again: queued afresh as a new trial with the same spec.
    case retryTrial(run: String, trial: String)

    /// The discriminator values, one per case.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case submit, status, trials, best, workers, logs, pause, resume, stop, delete, archive, drain, shutdown
        case metrics
        case stopTrial = "trial.stop"
        case retryTrial = "trial.retry"
    }

    private enum CodingKeys: String, CodingKey {
        case configText, fileName, restart, run, state, trial, tail, sort, limit, offset
    }

    /// This request's discriminator.
    public var kind: Kind {
        switch self {
        case .submit: return .submit
        case .status: return .status
        case .trials: return .trials
        case .best: return .best
        case .workers: return .workers
        case .logs: return .logs
        case .pause: return .pause
        case .resume: return .resume
        case .stop: return .stop
        case .delete: return .delete
        case .archive: return .archive
        case .drain: return .drain
        case .shutdown: return .shutdown
        case .metrics: return .metrics
        case .stopTrial: return .stopTrial
        case .retryTrial: return .retryTrial
        }
    }

    /// The `type` field of this request.
    public var messageType: String { kind.rawValue }

    /// Every `type` value a control client may send.
    public static var messageTypes: [String] { Kind.allCases.map(\.rawValue) }

    /// The run this request is about, when it names one.
    public var runName: String? {
        switch self {
        case .status(let run): return run
        case .trials(let run, _, _), .best(let run), .logs(let run, _, _), .pause(let run), .resume(let run),
            .stop(let run), .delete(let run), .archive(let run), .stopTrial(let run, _), .retryTrial(let run, _):
            return run
        case .submit, .workers, .drain, .shutdown, .metrics: return nil
        }
    }

    /// Decodes the case named by `type` from the fields beside it.
    public init(from decoder: any Decoder) throws {
        self = try Self.decodeTagged(Kind.self, from: decoder) { kind in
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func run() throws -> String { try container.decode(String.self, forKey: .run) }
            switch kind {
            case .submit:
                return .submit(
                    configText: try container.decode(String.self, forKey: .configText),
                    fileName: try container.decode(String.self, forKey: .fileName),
                    restart: try container.decodeIfPresent(Bool.self, forKey: .restart) ?? false)
            case .status: return .status(run: try container.decodeIfPresent(String.self, forKey: .run))
            case .trials:
                return .trials(
                    run: try run(), state: try container.decodeIfPresent(String.self, forKey: .state),
                    page: TrialPageRequest(
                        sort: try container.decodeIfPresent(String.self, forKey: .sort),
                        limit: try container.decodeIfPresent(Int.self, forKey: .limit),
                        offset: try container.decodeIfPresent(Int.self, forKey: .offset)))
            case .best: return .best(run: try run())
            case .workers: return .workers
            case .logs:
                return .logs(
                    run: try run(), trial: try container.decode(String.self, forKey: .trial),
                    tail: try container.decodeIfPresent(Int.self, forKey: .tail))
            case .pause: return .pause(run: try run())
            case .resume: return .resume(run: try run())
            case .stop: return .stop(run: try run())
            case .delete: return .delete(run: try run())
            case .archive: return .archive(run: try run())
            case .drain: return .drain
            case .shutdown: return .shutdown
            case .metrics: return .metrics
            case .stopTrial: return .stopTrial(run: try run(), trial: try container.decode(String.self, forKey: .trial))
            case .retryTrial:
                return .retryTrial(run: try run(), trial: try container.decode(String.self, forKey: .trial))
            }
        }
    }

    /// Encodes `type` and the case's fields into one JSON object.
    public func encode(to encoder: any Encoder) throws {
        try encodeTag(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .submit(let configText, let fileName, let restart):
            try container.encode(configText, forKey: .configText)
            try container.encode(fileName, forKey: .fileName)
            try container.encode(restart, forKey: .restart)
        case .status(let run):
            try container.encodeIfPresent(run, forKey: .run)
        case .trials(let run, let state, let page):
            try container.encode(run, forKey: .run)
            try container.encodeIfPresent(state, forKey: .state)
            try container.encodeIfPresent(page.sort, forKey: .sort)
            try container.encodeIfPresent(page.limit, forKey: .limit)
            try container.encodeIfPresent(page.offset, forKey: .offset)
        case .logs(let run, let trial, let tail):
            try container.encode(run, forKey: .run)
            try container.encode(trial, forKey: .trial)
            try container.encodeIfPresent(tail, forKey: .tail)
        case .best(let run), .pause(let run), .resume(let run), .stop(let run), .delete(let run),
            .archive(let run):
            try container.encode(run, forKey: .run)
        case .stopTrial(let run, let trial), .retryTrial(let run, let trial):
            try container.encode(run, forKey: .run)
            try container.encode(trial, forKey: .trial)
        case .workers, .drain, .shutdown, .metrics:
            break
        }
    }
}
