/// Comparison of the daemon's shared-secret token.
public enum SharedSecret {
    /// Compares a presented token with the expected one in time that depends only on their
    /// lengths, not on where they first differ.
    ///
    /// Every byte position up to the longer length is visited and differences are OR-ed
    /// together, so an attacker timing refusals learns nothing about a matching prefix.
    ///
    /// - Parameters:
    ///   - presented: The token a worker sent.
    ///   - expected: The daemon's token.
    /// - Returns: Whether the two are byte-for-byte equal.
    public static func matches(_ presented: String, expected: String) -> Bool {
        let lhs = Array(presented.utf8)
        let rhs = Array(expected.utf8)
        let length = max(lhs.count, rhs.count)
        var difference: UInt64 = UInt64(lhs.count ^ rhs.count)
        for index in 0..<length {
            let left: UInt8 = index < lhs.count ? lhs[index] : 0
            let right: UInt8 = index < rhs.count ? rhs[index] : 0
            difference |= UInt64(left ^ right)
        }
        return difference == 0
    }
}
