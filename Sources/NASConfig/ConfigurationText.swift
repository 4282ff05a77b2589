/// Turns a configuration file's bytes into text, or says where they stop being text.
///
/// A configuration must be UTF-8 without control characters other than tab, line feed and
/// carriage return (YAML's printable set). A binary file, or one saved in another encoding, is
/// refused with the line, column and byte offset of the first offending byte, so a person can
/// find it (`od -c`, an editor's "go to byte").
public enum ConfigurationText {
    /// Decodes a configuration file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - file: the file's name, used only in error messages.
    /// - Returns: the text (a leading byte order mark is kept; the parser skips it).
    /// - Throws: `ConfigError` at the first byte that is not valid UTF-8 or is a control character.
    public static func decode(_ bytes: [UInt8], file: String) throws(ConfigError) -> String {
        var line = 1
        var column = 1
        var offset = 0
        while offset < bytes.count {
            let length = scalarLength(in: bytes, at: offset)
            guard length > 0 else {
                throw ConfigError(
                    file: file, position: SourcePosition(line: line, column: column),
                    message: "byte \(offset) (0x\(hex(bytes[offset]))) is not valid UTF-8; a configuration must be "
                        + "UTF-8 text (is this a binary file, or one saved in another encoding?)")
            }
            let byte = bytes[offset]
            if length == 1 && isForbiddenControl(byte) {
                throw ConfigError(
                    file: file, position: SourcePosition(line: line, column: column),
                    message: "byte \(offset) is the control character 0x\(hex(byte)), which a configuration "
                        + "cannot contain (is this a binary file?)")
            }
            if byte == 0x0A || (byte == 0x0D && (offset + 1 == bytes.count || bytes[offset + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte != 0x0D {
                column += 1
            }
            offset += length
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The length of the well-formed UTF-8 sequence at `offset` (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
    private static func scalarLength(in bytes: [UInt8], at offset: Int) -> Int {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return 0
        }
        guard offset + length <= bytes.count else { return 0 }
        for index in 1..<length {
            let byte = bytes[offset + index]
            let range = index == 1 ? low...high : 0x80...0xBF
            guard range.contains(byte) else { return 0 }
        }
        return length
    }

    /// C0 controls other than tab, LF and CR, and DEL (YAML 1.2 §5.1).
    private static func isForbiddenControl(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F: return true
        default: return false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
