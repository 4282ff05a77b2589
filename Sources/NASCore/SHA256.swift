/// SHA-256 (FIPS 180-4), for stable identities of networks and cells.
///
/// Written here because CryptoKit is not available on Linux and the package takes no
/// dependencies. The implementation follows FIPS 180-4 §5.1.1 (padding), §6.2.2 (the hash
/// computation) and §4.2.2 (the constants); it is checked against the NIST example vectors.
public enum SHA256 {
    /// The lowercase hex digest of the UTF-8 bytes of `string`.
    ///
    /// - Parameter string: The text to hash; its UTF-8 encoding is hashed.
    /// - Returns: 64 lowercase hexadecimal digits.
    public static func hexDigest(of string: String) -> String {
        hexDigest(of: Array(string.utf8))
    }

    /// The lowercase hex digest of `bytes`.
    ///
    /// - Parameter bytes: The message to hash.
    /// - Returns: 64 lowercase hexadecimal digits.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(64)
        for byte in digest(of: bytes) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return text
    }

    /// The 32-byte digest of `bytes`.
    ///
    /// - Parameter bytes: The message to hash.
    /// - Returns: The digest, most significant byte of `H0` first (FIPS 180-4 §6.2.2 step 4).
    public static func digest(of bytes: [UInt8]) -> [UInt8] {
        var state = initialHash
        var schedule = [UInt32](repeating: 0, count: 64)
        for block in paddedMessage(bytes).chunked(into: 64) {
            compress(block, into: &state, schedule: &schedule)
        }
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for word in state {
            result.append(UInt8(truncatingIfNeeded: word >> 24))
            result.append(UInt8(truncatingIfNeeded: word >> 16))
            result.append(UInt8(truncatingIfNeeded: word >> 8))
            result.append(UInt8(truncatingIfNeeded: word))
        }
        return result
    }

    /// FIPS 180-4 §5.1.1: append bit 1, zeros up to 448 mod 512 bits, then the 64-bit big-endian
    /// message length in bits.
    private static func paddedMessage(_ bytes: [UInt8]) -> [UInt8] {
        var message = bytes
        let bitLength = UInt64(truncatingIfNeeded: bytes.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 {
            message.append(0)
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        return message
    }

    /// FIPS 180-4 §6.2.2 steps 1–4 for one 512-bit block.
    private static func compress(_ block: ArraySlice<UInt8>, into state: inout [UInt32], schedule w: inout [UInt32]) {
        var offset = block.startIndex
        for t in 0..<16 {
            w[t] =
                UInt32(block[offset]) << 24 | UInt32(block[offset + 1]) << 16
                | UInt32(block[offset + 2]) << 8 | UInt32(block[offset + 3])
            offset += 4
        }
        for t in 16..<64 {
            let s0 = w[t - 15].rotatedRight(7) ^ w[t - 15].rotatedRight(18) ^ (w[t - 15] >> 3)
            let s1 = w[t - 2].rotatedRight(17) ^ w[t - 2].rotatedRight(19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = state[0]
        var b = state[1]
        var c = state[2]
        var d = state[3]
        var e = state[4]
        var f = state[5]
        var g = state[6]
        var h = state[7]
        for t in 0..<64 {
            let bigSigma1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
            let choice = (e & f) ^ (~e & g)
            let t1 = h &+ bigSigma1 &+ choice &+ roundConstants[t] &+ w[t]
            let bigSigma0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let t2 = bigSigma0 &+ majority
            h = g
            g = f
            f = e
            e = d &+ t1
            d = c
            c = b
            b = a
            a = t1 &+ t2
        }
        state[0] &+= a
        state[1] &+= b
        state[2] &+= c
        state[3] &+= d
        state[4] &+= e
        state[5] &+= f
        state[6] &+= g
        state[7] &+= h
    }

    /// FIPS 180-4 §5.3.3: the first 32 bits of the fractional parts of the square roots of the
    /// first 8 primes.
    private static let initialHash: [UInt32] = [
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
    ]

    /// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
    /// 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

extension UInt32 {
    /// Circular right shift, `ROTR^n(x)` of FIPS 180-4 §3.2.
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}

extension Array where Element == UInt8 {
    /// Consecutive slices of `size` bytes; the array's length must be a multiple of `size`.
    fileprivate func chunked(into size: Int) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
