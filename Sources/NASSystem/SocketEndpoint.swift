/// A TCP endpoint written `HOST:PORT` (`127.0.0.1:7070`, `gpu-1:7070`, `[::1]:7070`).
public struct SocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The host name or numeric address (without brackets).
    public var host: String
    /// The port; 0 asks a listener for any free port.
    public var port: UInt16

    /// Creates an endpoint.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, with IPv6 hosts in brackets.
    ///
    /// - Throws: `SocketAddressError.invalidEndpoint` naming the text and what was wrong.
    public init(parsing text: String) throws(SocketAddressError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidEndpoint(text: text, reason: "expected HOST:PORT")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText) else {
            throw .invalidEndpoint(text: text, reason: "port '\(portText)' is not a number from 0 to 65535")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else {
            throw .invalidEndpoint(text: text, reason: "missing host")
        }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
