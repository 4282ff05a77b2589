import NASProtocol

/// Answers control requests: the daemon's live handler, or `OfflineControl` reading run
/// directories when no daemon runs.
///
/// `ControlServer` calls `handle(_:)` once per request frame, concurrently for different
/// connections and in order on one connection. A handler never throws: every failure is a
/// `ControlResponse.error` with a code and a message for people.
public protocol ControlHandler: Sendable {
    /// Answers one request.
    ///
    /// - Parameter request: The decoded request.
    /// - Returns: `.ok` with the request's payload (a view from `RunViews`, a `[WorkerView]`, a
    ///   `ControlAcknowledgement`), or `.error`.
    func handle(_ request: ControlRequest) async -> ControlResponse
}

extension ControlError.Code {
    /// The request needs a running daemon, and none answers (an offline handler's answer to
    /// `pause`, `submit`, `workers`, …).
    public static let daemonNotRunning = ControlError.Code(rawValue: "daemonNotRunning")
}
