import Foundation
import NASSystem

/// Who may read the dashboard: anyone when it listens on loopback only; elsewhere whoever presents
/// the read-only dashboard key (`<state>/dashboard.key`, made at first use, mode 0600) as `?key=…`
/// or `Authorization: Bearer …`. The key is not the worker token: it grants reading, nothing else.
public struct DashboardAccess: Sendable {
    /// The key's file name in the state directory.
    public static let keyFileName = "dashboard.key"

    /// The key a request must carry, or nil when none is needed (loopback).
    public let key: String?

    /// Access for a dashboard bound to `endpoint`, loading or creating the key when it is not loopback.
    ///
    /// - Throws: `SystemError` when the key file cannot be read or written.
    public init(endpoint: SocketEndpoint, layout: StateDirectoryLayout) throws {
        guard !Self.isLoopback(endpoint.host) else {
            key = nil
            return
        }
        key = try Self.loadOrCreateKey(at: layout.path + "/" + Self.keyFileName)
    }

    /// Access with an explicit key (nil: open), for tests.
    public init(key: String?) {
        self.key = key
    }

    /// Whether `host` names only this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Whether the request carries the key (always true when none is needed).
    public func admits(_ request: HTTPRequest) -> Bool {
        guard let key else { return true }
        var presented = request.query["key"]
        if let authorization = request.headers["authorization"], authorization.lowercased().hasPrefix("bearer ") {
            presented = String(authorization.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        guard let presented else { return false }
        return Self.constantTimeEqual(Array(presented.utf8), Array(key.utf8))
    }

    /// `?key=…` to append to links, so a page reached with the key in its address keeps it.
    public func linkSuffix(for request: HTTPRequest) -> String {
        guard key != nil, let presented = request.query["key"] else { return "" }
        let allowed = CharacterSet.alphanumerics
        return "?key=" + (presented.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func loadOrCreateKey(at path: String) throws -> String {
        if FileManager.default.fileExists(atPath: path) {
            let text = String(decoding: try AtomicFile.read(path, limit: 4096), as: UTF8.self)
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !key.isEmpty { return key }
        }
        let key = try SecureRandom.hexString(byteCount: 24)
        try AtomicFile.write(Array((key + "\n").utf8), to: path, permissions: 0o600)
        return key
    }
}
