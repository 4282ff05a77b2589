import Foundation

/// A parsed HTTP/1.1 request head: what the dashboard needs (method, path, query, headers). The
/// server accepts no request bodies.
public struct HTTPRequest: Hashable, Sendable {
    public var method: String
    /// The decoded path, e.g. `/runs/demo`.
    public var path: String
    /// Query parameters (the last value wins), decoded.
    public var query: [String: String]
    /// Header fields by lower-cased name (the last value wins).
    public var headers: [String: String]

    /// Parses a request head (the bytes before the blank line, without it).
    ///
    /// - Throws: `HTTPRequestError` for a malformed head, a method other than GET or HEAD, or a body.
    public init(head: [UInt8]) throws(HTTPRequestError) {
        guard let text = String(validating: head, as: UTF8.self) else { throw .malformed("the head is not UTF-8") }
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            throw .malformed("bad request line")
        }
        method = String(requestLine[0])
        guard method == "GET" || method == "HEAD" else { throw .methodNotAllowed(method) }
        headers = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("a header line without ':'") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { throw .malformed("an empty header name") }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let length = headers["content-length"], length != "0" { throw .bodyNotAccepted }
        if headers["transfer-encoding"] != nil { throw .bodyNotAccepted }
        let target = String(requestLine[1])
        guard target.hasPrefix("/"), let components = URLComponents(string: target) else {
            throw .malformed("bad request target")
        }
        path = components.percentEncodedPath.removingPercentEncoding ?? components.percentEncodedPath
        query = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
    }
}

/// Why a request was refused before routing; each maps to a status code.
public enum HTTPRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(String)
    case methodNotAllowed(String)
    case bodyNotAccepted
    /// The head passed the size limit.
    case headTooLarge(limit: Int)

    /// The response status.
    public var status: Int {
        switch self {
        case .malformed: return 400
        case .methodNotAllowed: return 405
        case .bodyNotAccepted: return 413
        case .headTooLarge: return 431
        }
    }

    public var description: String {
        switch self {
        case .malformed(let detail): return "malformed request: \(detail)"
        case .methodNotAllowed(let method): return "method \(method) is not allowed (GET and HEAD only)"
        case .bodyNotAccepted: return "request bodies are not accepted"
        case .headTooLarge(let limit): return "the request head is over \(limit) bytes"
        }
    }
}
