/// A message from a worker to the daemon.
///
/// JSON form: an object whose `type` field names the case, with the case's fields beside it,
/// e.g. `{"type":"heartbeat","inFlight":[]}`. See docs/worker-protocol.md for each field.
public enum WorkerMessage: Hashable, Sendable, WireMessage {
    /// The first frame on every connection: versions, token, capacity and re-attach list.
    case hello(Hello)
    /// One epoch of one trial, durable on the daemon once acknowledged.
    case epochProgress(EpochProgress)
    /// A trial finished its epoch budget.
    case complete(Completion)
    /// A trial could not finish (the trainer exited non-zero, crashed or was stopped).
    case fail(TrialFailure)
    /// The worker is alive; extends the leases of the listed jobs.
    case heartbeat(Heartbeat)
    /// Output lines of a trainer, for the per-trial log in the run directory.
    case log(LogLines)
    /// The worker has free slots and can take that many more assignments.
    case ready(Ready)

    /// The discriminator values, one per case.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case hello, epochProgress, complete, fail, heartbeat, log, ready
    }

    /// This message's discriminator.
    public var kind: Kind {
        switch self {
        case .hello: return .hello
        case .epochProgress: return .epochProgress
        case .complete: return .complete
        case .fail: return .fail
        case .heartbeat: return .heartbeat
        case .log: return .log
        case .ready: return .ready
        }
    }

    /// The `type` field of this message.
    public var messageType: String { kind.rawValue }

    /// Every `type` value a worker may send.
    public static var messageTypes: [String] { Kind.allCases.map(\.rawValue) }

    /// The sequence number of a report the daemon acknowledges (epoch progress, complete, fail);
    /// `nil` for messages that are not acknowledged.
    public var sequenceNumber: UInt64? {
        switch self {
        case .epochProgress(let progress): return progress.seq
        case .complete(let completion): return completion.seq
        case .fail(let failure): return failure.seq
        case .hello, .heartbeat, .log, .ready: return nil
        }
    }

    /// Decodes the case named by `type` from the fields beside it.
    public init(from decoder: any Decoder) throws {
        self = try Self.decodeTagged(Kind.self, from: decoder) { kind in
            switch kind {
            case .hello: return .hello(try Hello(from: decoder))
            case .epochProgress: return .epochProgress(try EpochProgress(from: decoder))
            case .complete: return .complete(try Completion(from: decoder))
            case .fail: return .fail(try TrialFailure(from: decoder))
            case .heartbeat: return .heartbeat(try Heartbeat(from: decoder))
            case .log: return .log(try LogLines(from: decoder))
            case .ready: return .ready(try Ready(from: decoder))
            }
        }
    }

    /// Encodes `type` and the case's fields into one JSON object.
    public func encode(to encoder: any Encoder) throws {
        try encodeTag(to: encoder)
        switch self {
        case .hello(let body): try body.encode(to: encoder)
        case .epochProgress(let body): try body.encode(to: encoder)
        case .complete(let body): try body.encode(to: encoder)
        case .fail(let body): try body.encode(to: encoder)
        case .heartbeat(let body): try body.encode(to: encoder)
        case .log(let body): try body.encode(to: encoder)
        case .ready(let body): try body.encode(to: encoder)
        }
    }
}
