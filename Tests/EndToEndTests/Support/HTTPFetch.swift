import Foundation
import NASSystem

/// A plain HTTP/1.1 GET over a socket (the dashboard closes every connection after its answer).
enum HTTPFetch {
    struct Response {
        var status: Int
        var body: String
    }

    static func get(_ path: String, port: UInt16, headers: [String] = []) async throws -> Response {
        let connection = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: port))
        let request = (["GET \(path) HTTP/1.1", "Host: 127.0.0.1"] + headers).joined(separator: "\r\n") + "\r\n\r\n"
        try connection.write(Array(request.utf8))
        let text = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            Thread {
                defer { connection.close() }
                var bytes: [UInt8] = []
                do {
                    while true {
                        let chunk = try connection.read(upToCount: 65536)
                        if chunk.isEmpty { break }
                        bytes += chunk
                    }
                    continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return Response(status: status, body: body)
    }
}
