import Glibc

extension SocketConnection {
    /// Limits how long a read may block waiting for the peer (`SO_RCVTIMEO`); a read that times
    /// out throws `SystemError` with `EAGAIN`.
    ///
    /// - Throws: `SystemError` from `setsockopt`.
    public func setReceiveTimeout(_ timeout: Duration) throws(SystemError) {
        var value = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        try descriptor.withRawDescriptor("setsockopt") { raw throws(SystemError) in
            guard setsockopt(raw, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw .fromErrno("setsockopt", context: "SO_RCVTIMEO")
            }
        }
    }
}
