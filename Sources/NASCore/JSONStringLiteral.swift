/// JSON string literals, written by hand where nasd writes JSON text itself (the curves file, the
/// canonical search identity, store columns) so that the bytes are stable.
public enum JSONStringLiteral {
    /// `string` as a JSON string literal, with the escapes RFC 8259 requires.
    public static func quoted(_ string: String) -> String {
        // Most strings nasd writes (notations, names, keys) need no escape: one scan of the bytes.
        let needsEscape = string.utf8.contains { byte in
            byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F
        }
        if !needsEscape { return "\"" + string + "\"" }
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
