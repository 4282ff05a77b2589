/// The `trainer:` section: what trains a trial.
public enum TrainerConfiguration: Hashable, Sendable {
    /// `command:`: an external program, spawned by the worker for each trial.
    case command(TrainerCommand)
    /// `builtin: surrogate`: the deterministic synthetic benchmark, with a per-epoch delay
    /// (`epoch_delay`, default 0) to behave like a slow trainer.
    case surrogate(epochDelay: Duration)
    /// `builtin: replay`: recorded curves from a curves file (`file:`, required; a relative path is
    /// relative to the configuration file's directory).
    case replay(file: String)

    /// The words `builtin:` accepts.
    public static let builtinNames = ["surrogate", "replay"]

    /// `command`, `surrogate` or `replay`.
    public var kindName: String {
        switch self {
        case .command: return "command"
        case .surrogate: return "surrogate"
        case .replay: return "replay"
        }
    }

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        guard case .map(let entries) = node.value else {
            throw decoder.error(node, path, expected: "a map with 'command' or 'builtin'")
        }
        let hasCommand = entries.contains { $0.key == "command" }
        let builtinNode = entries.first { $0.key == "builtin" }
        if hasCommand, let builtinNode {
            throw decoder.error(
                at: builtinNode.keyPosition, keyPath(path, "builtin"),
                "'command' and 'builtin' cannot both be set")
        }
        if let builtinNode {
            let builtin = try decoder.choice(builtinNode.value, keyPath(path, "builtin"), among: Self.builtinNames)
            if builtin == "surrogate" {
                let map = try MapDecoder(
                    node, path: path, decoder: decoder, allowed: ["builtin", "epoch_delay", "checkpoint_root"])
                self = .surrogate(epochDelay: try map.optionalDuration("epoch_delay", allowZero: true) ?? .zero)
            } else {
                let map = try MapDecoder(
                    node, path: path, decoder: decoder, allowed: ["builtin", "file", "checkpoint_root"])
                self = .replay(file: try decoder.string(try map.required("file"), map.path("file")))
            }
            return
        }
        let map = try MapDecoder(
            node, path: path, decoder: decoder, allowed: ["command", "env", "workdir", "checkpoint_root"])
        guard hasCommand else {
            throw decoder.error(at: node.position, path, "missing required key 'command' or 'builtin'")
        }
        self = .command(try TrainerCommand(map: map))
    }
}

extension TrainerConfiguration {
    /// `trainer.checkpoint_root`, for any trainer kind: an absolute path (it names the same place on
    /// every host), or nil when absent.
    static func checkpointRoot(in node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) -> String? {
        guard let value = node["checkpoint_root"], !value.isNull else { return nil }
        let root = try decoder.string(value, keyPath(path, "checkpoint_root"))
        guard root.hasPrefix("/") else {
            throw decoder.error(
                at: value.position, keyPath(path, "checkpoint_root"),
                "'\(root)' is not an absolute path; it must name the same directory on every worker's host")
        }
        return root
    }
}

/// An external trainer: its argument vector, extra environment and working directory.
public struct TrainerCommand: Hashable, Sendable {
    /// The program and its arguments. A `command:` written as one string becomes
    /// `["/bin/sh", "-c", string]`, so shell syntax works there; a list is used as is.
    public var arguments: [String]
    /// `env`: extra environment variables. Default empty.
    public var environment: [String: String]
    /// `workdir`: the working directory; nil for the worker's own. A relative path is relative to
    /// the worker's working directory.
    public var workingDirectory: String?

    /// Creates a command.
    public init(arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    init(map: MapDecoder) throws(ConfigError) {
        let decoder = map.decoder
        let commandNode = try map.required("command")
        let commandPath = map.path("command")
        switch commandNode.value {
        case .list(let items) where !items.isEmpty:
            var arguments: [String] = []
            for (offset, item) in items.enumerated() {
                arguments.append(try decoder.string(item, "\(commandPath)[\(offset)]", nonEmpty: offset == 0))
            }
            self.arguments = arguments
        case .string(let line) where !line.trimmingSpaces.isEmpty:
            arguments = ["/bin/sh", "-c", line]
        default:
            throw decoder.error(commandNode, commandPath, expected: "a command line or a non-empty list of arguments")
        }
        var environment: [String: String] = [:]
        if let node = map.optional("env") {
            guard case .map(let entries) = node.value else {
                throw decoder.error(node, map.path("env"), expected: "a map of variable names to values")
            }
            for entry in entries {
                environment[entry.key] = try decoder.string(
                    entry.value, keyPath(map.path("env"), entry.key), nonEmpty: false)
            }
        }
        self.environment = environment
        if let node = map.optional("workdir") {
            workingDirectory = try decoder.string(node, map.path("workdir"))
        } else {
            workingDirectory = nil
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        drop { $0 == " " || $0 == "\t" }
    }
}
