/// Which trainer a worker runs for an assignment.
///
/// JSON form: `{"kind":"surrogate","epochDelay":0.05}`, `{"kind":"replay","path":"/data/r.csv"}`,
/// `{"kind":"command","argv":["python3","train.py"],"environment":{},"workingDirectory":"/w"}`.
public enum TrainerDescription: Hashable, Sendable, Codable {
    /// The built-in surrogate, sleeping `epochDelay` seconds per epoch.
    case surrogate(epochDelay: Double)
    /// The built-in replay trainer, reading recorded curves from a file on the worker's host.
    case replay(path: String)
    /// An external trainer: spawned with `argv` in its own process group, with `environment`
    /// added to the worker's, in `workingDirectory` (the worker's when `nil`).
    case command(argv: [String], environment: [String: String], workingDirectory: String?)

    private enum CodingKeys: String, CodingKey {
        case kind, epochDelay, path, argv, environment, workingDirectory
    }

    private enum Kind: String, Codable {
        case surrogate, replay, command
    }

    /// Decodes the case named by `kind`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .surrogate:
            self = .surrogate(epochDelay: try container.decode(Double.self, forKey: .epochDelay))
        case .replay:
            self = .replay(path: try container.decode(String.self, forKey: .path))
        case .command:
            self = .command(
                argv: try container.decode([String].self, forKey: .argv),
                environment: try container.decodeIfPresent([String: String].self, forKey: .environment) ?? [:],
                workingDirectory: try container.decodeIfPresent(String.self, forKey: .workingDirectory))
        }
    }

    /// Encodes `kind` and the case's fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .surrogate(let epochDelay):
            try container.encode(Kind.surrogate, forKey: .kind)
            try container.encode(epochDelay, forKey: .epochDelay)
        case .replay(let path):
            try container.encode(Kind.replay, forKey: .kind)
            try container.encode(path, forKey: .path)
        case .command(let argv, let environment, let workingDirectory):
            try container.encode(Kind.command, forKey: .kind)
            try container.encode(argv, forKey: .argv)
            try container.encode(environment, forKey: .environment)
            try container.encodeIfPresent(workingDirectory, forKey: .workingDirectory)
        }
    }
}
