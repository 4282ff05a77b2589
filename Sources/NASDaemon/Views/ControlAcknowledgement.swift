/// The payload of a request that changes something (`submit`, `pause`, `resume`, `stop`, `delete`,
/// `archive`, `drain`, `shutdown`): what was done, in words the CLI prints as they are.
public struct ControlAcknowledgement: Codable, Hashable, Sendable {
    /// The run concerned, if the request named or created one.
    public var run: String?
    /// What the daemon did, e.g. `paused run demo` or `resumed run demo from 14 finished trials`.
    public var message: String

    /// Creates an acknowledgement.
    public init(run: String? = nil, message: String) {
        self.run = run
        self.message = message
    }
}
