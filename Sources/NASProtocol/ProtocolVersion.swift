/// The version of the worker protocol spoken by this build.
///
/// A worker sends it in its hello; the daemon refuses a worker whose version differs, naming both
/// versions (see docs/worker-protocol.md, "Versioning"). Bump it on any change to a message's
/// fields or meaning that an older peer would misread.
public enum ProtocolVersion {
    /// The worker protocol version of this build.
    public static let current: Int = 1
}
