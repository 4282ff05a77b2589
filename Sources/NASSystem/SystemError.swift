import Glibc

/// A failed system call: the call, its `errno` and what it was operating on.
///
/// `description` reads like `open(/tmp/x/token): No such file or directory (errno 2)`.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The system call or library function that failed (`open`, `connect`, `posix_spawn`, ...).
    public var call: String
    /// The `errno` value it set (or returned, for `posix_spawn`).
    public var code: Int32
    /// What it operated on: a path, an address, a pid; empty when nothing useful.
    public var context: String

    /// Creates an error from an explicit code.
    public init(call: String, code: Int32, context: String = "") {
        self.call = call
        self.code = code
        self.context = context
    }

    /// Creates an error from the current thread's `errno`; call it right after the failing call.
    public static func fromErrno(_ call: String, context: String = "") -> SystemError {
        SystemError(call: call, code: errno, context: context)
    }

    /// The `strerror` text for `code`.
    public var message: String { String(cString: strerror(code)) }

    /// `call(context): message (errno N)`.
    public var description: String {
        let target = context.isEmpty ? "" : "(\(context))"
        return "\(call)\(target): \(message) (errno \(code))"
    }
}
