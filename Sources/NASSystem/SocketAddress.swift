import Glibc

/// Socket address helpers shared by `SocketListener` and `SocketConnection`: name resolution,
/// `sockaddr_un` construction and printing of peer addresses.
enum SocketAddress {
    /// The most bytes a Unix socket path may have (`sun_path` minus its terminating NUL).
    static var unixPathLimit: Int {
        MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1
    }

    /// One resolved address, copied out of `getaddrinfo`'s list.
    struct Resolved {
        var family: Int32
        var storage: sockaddr_storage
        var length: socklen_t
    }

    /// Resolves a host and port for a stream socket (`AI_PASSIVE` for listeners).
    static func resolve(_ endpoint: SocketEndpoint, passive: Bool) throws(SocketAddressError) -> [Resolved] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0 else {
            throw .unresolvableHost(host: endpoint.host, detail: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var results: [Resolved] = []
        var node = list
        while let current = node {
            var storage = sockaddr_storage()
            let length = current.pointee.ai_addrlen
            if let address = current.pointee.ai_addr {
                withUnsafeMutableBytes(of: &storage) { target in
                    target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
                }
                results.append(Resolved(family: current.pointee.ai_family, storage: storage, length: length))
            }
            node = current.pointee.ai_next
        }
        guard !results.isEmpty else {
            throw .unresolvableHost(host: endpoint.host, detail: "no addresses")
        }
        return results
    }

    /// A `sockaddr_un` for `path`, checked against `sun_path`.
    static func unix(path: String) throws(SocketAddressError) -> sockaddr_un {
        let bytes = Array(path.utf8)
        guard bytes.count <= unixPathLimit else {
            throw .unixPathTooLong(path: path, length: bytes.count, limit: unixPathLimit)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { target in
            target.copyBytes(from: bytes)
            target[bytes.count] = 0
        }
        return address
    }

    /// Calls `body` with a generic `sockaddr` pointer to any address struct.
    static func withSockaddr<Address, Result>(
        _ address: inout Address, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        let length = socklen_t(MemoryLayout<Address>.size)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// `host:port` for an IPv4/IPv6 address, `unix` for a Unix socket.
    static func describe(_ storage: sockaddr_storage) -> String {
        var storage = storage
        let family = Int32(storage.ss_family)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch family {
        case AF_INET:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                    return "\(cString(text)):\(UInt16(bigEndian: address.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                    return "[\(cString(text))]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
        case AF_UNIX:
            return "unix"
        default:
            return "family \(storage.ss_family)"
        }
    }

    private static func cString(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The port of an IPv4/IPv6 address.
    static func port(of storage: sockaddr_storage) -> UInt16 {
        var storage = storage
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            switch family {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin_port)
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            default:
                return 0
            }
        }
    }

    /// Sets an integer socket option.
    static func setOption(_ raw: Int32, level: Int32, name: Int32, value: Int32, call: String) throws(SystemError) {
        var value = value
        guard setsockopt(raw, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .fromErrno("setsockopt", context: call)
        }
    }
}
