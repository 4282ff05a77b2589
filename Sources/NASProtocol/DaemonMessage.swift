/// A message from the daemon to a worker.
///
/// JSON form: an object whose `type` field names the case, with the case's fields beside it,
/// e.g. `{"seq":12,"type":"ack"}`. See docs/worker-protocol.md for each field.
public enum DaemonMessage: Hashable, Sendable, WireMessage {
    /// The handshake succeeded: the daemon's versions and timing parameters.
    case welcome(Welcome)
    /// The handshake failed; the daemon closes the connection after sending it.
    case refused(Refusal)
    /// Train a trial.
    case assign(Assignment)
    /// Every report with a sequence number up to and including `seq` is durable.
    case ack(Acknowledgement)
    /// Stop a trial: SIGTERM, then SIGKILL after the grace period.
    case stopTrial(StopTrial)
    /// Take no new assignments; finish the running trials, then disconnect.
    case drain
    /// Stop every trial and exit.
    case shutdown

    /// The discriminator values, one per case.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case welcome, refused, assign, ack, stopTrial, drain, shutdown
    }

    /// This message's discriminator.
    public var kind: Kind {
        switch self {
        case .welcome: return .welcome
        case .refused: return .refused
        case .assign: return .assign
        case .ack: return .ack
        case .stopTrial: return .stopTrial
        case .drain: return .drain
        case .shutdown: return .shutdown
        }
    }

    /// The `type` field of this message.
    public var messageType: String { kind.rawValue }

    /// Every `type` value the daemon may send.
    public static var messageTypes: [String] { Kind.allCases.map(\.rawValue) }

    /// Decodes the case named by `type` from the fields beside it.
    public init(from decoder: any Decoder) throws {
        self = try Self.decodeTagged(Kind.self, from: decoder) { kind in
            switch kind {
            case .welcome: return .welcome(try Welcome(from: decoder))
            case .refused: return .refused(try Refusal(from: decoder))
            case .assign: return .assign(try Assignment(from: decoder))
            case .ack: return .ack(try Acknowledgement(from: decoder))
            case .stopTrial: return .stopTrial(try StopTrial(from: decoder))
            case .drain: return .drain
            case .shutdown: return .shutdown
            }
        }
    }

    /// Encodes `type` and the case's fields into one JSON object.
    public func encode(to encoder: any Encoder) throws {
        try encodeTag(to: encoder)
        switch self {
        case .welcome(let body): try body.encode(to: encoder)
        case .refused(let body): try body.encode(to: encoder)
        case .assign(let body): try body.encode(to: encoder)
        case .ack(let body): try body.encode(to: encoder)
        case .stopTrial(let body): try body.encode(to: encoder)
        case .drain, .shutdown: break
        }
    }
}
