import Glibc

/// Cryptographically secure random bytes from the kernel (`/dev/urandom`), for tokens and IDs.
public enum SecureRandom {
    /// Fills an array with random bytes.
    ///
    /// - Parameter count: How many bytes.
    /// - Throws: `SystemError` when `/dev/urandom` cannot be read.
    public static func bytes(count: Int) throws(SystemError) -> [UInt8] {
        let source = try FileDescriptor.open("/dev/urandom", flags: O_RDONLY)
        defer { source.close() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try source.read(upToCount: count - bytes.count)
            guard !chunk.isEmpty else {
                throw SystemError(call: "read", code: EIO, context: "/dev/urandom ended")
            }
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// Random bytes as lowercase hex (`byteCount` 32 gives a 64-character token).
    ///
    /// - Throws: `SystemError` when `/dev/urandom` cannot be read.
    public static func hexString(byteCount: Int) throws(SystemError) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(byteCount * 2)
        for byte in try bytes(count: byteCount) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
