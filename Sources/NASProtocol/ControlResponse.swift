/// The daemon's answer to one `ControlRequest`.
///
/// JSON form: `{"type":"ok","payload":{...}}` or
/// `{"type":"error","code":"notFound","message":"no run named 'demo'"}`.
public enum ControlResponse: Hashable, Sendable, WireMessage {
    /// The request succeeded; the payload's shape depends on the request (the daemon's views).
    case ok(JSONValue)
    /// The request failed.
    case error(ControlError)

    /// The discriminator values, one per case.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case ok, error
    }

    private enum CodingKeys: String, CodingKey {
        case payload
    }

    /// The `type` field of this response.
    public var messageType: String {
        switch self {
        case .ok: return Kind.ok.rawValue
        case .error: return Kind.error.rawValue
        }
    }

    /// Every `type` value the daemon may answer with.
    public static var messageTypes: [String] { Kind.allCases.map(\.rawValue) }

    /// Decodes the case named by `type`.
    public init(from decoder: any Decoder) throws {
        self = try Self.decodeTagged(Kind.self, from: decoder) { kind in
            switch kind {
            case .ok:
                let container = try decoder.container(keyedBy: CodingKeys.self)
                return .ok(try container.decodeIfPresent(JSONValue.self, forKey: .payload) ?? .null)
            case .error:
                return .error(try ControlError(from: decoder))
            }
        }
    }

    /// Encodes `type` and the case's fields into one JSON object.
    public func encode(to encoder: any Encoder) throws {
        try encodeTag(to: encoder)
        switch self {
        case .ok(let payload):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(payload, forKey: .payload)
        case .error(let error):
            try error.encode(to: encoder)
        }
    }
}

/// A failed control request: a code for programs and a message for people.
public struct ControlError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable, extensible error code (`notFound`, `invalidConfig`, ...).
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        /// The code's text.
        public var rawValue: String

        /// Creates a code from its text.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The request was malformed or named an unknown command.
        public static let invalidRequest = Code(rawValue: "invalidRequest")
        /// The submitted configuration has errors.
        public static let invalidConfig = Code(rawValue: "invalidConfig")
        /// No run or trial of that name.
        public static let notFound = Code(rawValue: "notFound")
        /// The request conflicts with the run's state (deleting a running run, a changed config).
        public static let conflict = Code(rawValue: "conflict")
        /// The daemon is shutting down.
        public static let shuttingDown = Code(rawValue: "shuttingDown")
        /// The control socket has as many connections open as it allows; retry later.
        public static let tooManyConnections = Code(rawValue: "tooManyConnections")
        /// An unexpected failure inside the daemon.
        public static let internalError = Code(rawValue: "internal")

        /// The code's text.
        public var description: String { rawValue }

        /// Decodes the code from a JSON string.
        public init(from decoder: any Decoder) throws {
            self.rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        /// Encodes the code as a JSON string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// The error code.
    public var code: Code
    /// The explanation for people (the CLI prints it).
    public var message: String

    /// Creates a control error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
