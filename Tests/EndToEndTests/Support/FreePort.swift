import NASSystem

/// A TCP port on 127.0.0.1 that nothing listens on right now, for a daemon that must come back on
/// the same port after a restart (its workers reconnect there).
enum FreePort {
    /// Binds port 0, reads the port the kernel chose, and closes the listener again.
    static func pick() throws -> UInt16 {
        let listener = try SocketListener.listen(on: SocketEndpoint(host: "127.0.0.1", port: 0))
        defer { listener.close() }
        guard let port = listener.port else { throw EndToEndError.daemonDidNotStart(output: "no port from bind") }
        return port
    }
}
