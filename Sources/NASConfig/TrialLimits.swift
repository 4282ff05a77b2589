/// The `trial:` section: limits on each trial.
public struct TrialLimits: Hashable, Sendable {
    /// `max_attempts`: dispatches before a trial fails (a lease that expires counts one). Default 3.
    public var maxAttempts: Int
    /// `timeout`: wall-clock limit per attempt; nil for none (the default).
    public var timeout: Duration?
    /// `no_progress_timeout`: longest time without an epoch report; nil for none (the default).
    public var noProgressTimeout: Duration?

    /// Creates trial limits.
    public init(maxAttempts: Int = 3, timeout: Duration? = nil, noProgressTimeout: Duration? = nil) {
        self.maxAttempts = maxAttempts
        self.timeout = timeout
        self.noProgressTimeout = noProgressTimeout
    }

    static let keys = ["max_attempts", "timeout", "no_progress_timeout"]

    init(node: YAMLNode, path: String, decoder: ValueDecoder) throws(ConfigError) {
        let map = try MapDecoder(node, path: path, decoder: decoder, allowed: Self.keys)
        maxAttempts = try map.integer("max_attempts", default: 3, .atLeast(1))
        timeout = try map.optionalDuration("timeout")
        noProgressTimeout = try map.optionalDuration("no_progress_timeout")
    }
}
