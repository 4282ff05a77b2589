/// A parser for the YAML subset that people write in configuration files.
///
/// Supported: block maps and lists (indented with spaces), flow maps `{a: 1}` and lists `[1, 2]`
/// (which may span lines), plain, single-quoted and double-quoted scalars (with YAML's escapes),
/// integers, floats, booleans, null (`null`, `~`, or an empty value), full-line and trailing
/// comments, and one `---` line before the document.
///
/// Everything else is an error that names the line and column, never a guess: anchors and aliases
/// (`&`, `*`), tags (`!`), block scalars (`|`, `>`), directives (`%`), several documents, tabs in
/// indentation, duplicate keys, complex keys (`?`, or a list or map as a key), multi-line plain or
/// quoted scalars.
///
/// Lists and maps nest at most `maximumDepth` deep: a deeper document is refused at the collection
/// that goes too deep, before the parser's recursion could exhaust the stack.
public struct YAMLParser {
    /// How deeply lists and maps may nest (a run configuration needs about five levels).
    public static let maximumDepth = 64

    private let file: String
    private let text: [Unicode.Scalar]
    /// The index in `text` of the first scalar of each line.
    private let lineStarts: [Int]
    private var index = 0
    /// How many lists and maps enclose the node being parsed.
    private var depth = 0

    private init(source: String, file: String) {
        self.file = file
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousWasCarriageReturn = false
        for scalar in source.unicodeScalars {
            // CR LF and a lone CR both end a line.
            if scalar == "\n" && previousWasCarriageReturn {
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = scalar == "\r"
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        if scalars.first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        self.text = scalars
        var starts = [0]
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// Parses one YAML document.
    ///
    /// - Parameters:
    ///   - source: the text of the file.
    ///   - file: the file name, used only in error messages.
    /// - Returns: the document's root node; a null node at 1:1 when the document is empty.
    /// - Throws: `ConfigError` naming the line and column of the first problem.
    public static func parse(_ source: String, file: String) throws(ConfigError) -> YAMLNode {
        var parser = YAMLParser(source: source, file: file)
        return try parser.parseDocument()
    }

    // MARK: - Document and block structure

    private mutating func parseDocument() throws(ConfigError) -> YAMLNode {
        guard var content = try nextContentLine(from: 0) else {
            return YAMLNode(value: .null, position: .start)
        }
        if text[content.index] == "%" {
            throw error(at: content.index, "directives ('%') are not supported")
        }
        if isDocumentMarker(at: content.index, "-") {
            index = content.index + 3
            skipBlanks()
            if !isAtLineEnd() {
                throw error(at: index, "content on the '---' line is not supported; start it on the next line")
            }
            try finishLine()
            guard let next = try nextContentLine(from: index) else {
                return YAMLNode(value: .null, position: position(of: content.index))
            }
            content = next
        }
        index = content.index
        let root = try parseBlockNode(indent: content.indent)
        if let rest = try nextContentLine(from: index) {
            if isDocumentMarker(at: rest.index, "-") {
                throw error(at: rest.index, "multiple documents are not supported")
            }
            if isDocumentMarker(at: rest.index, ".") {
                throw error(at: rest.index, "the document end marker '...' is not supported")
            }
            if rest.indent > content.indent {
                throw error(at: rest.index, "unexpected indentation")
            }
            throw error(at: rest.index, "expected the end of the document, found more content")
        }
        return root
    }

    /// Parses the block node starting at `index`, whose first character sits `indent` columns
    /// from the start of its line. Leaves `index` at the start of a line (or at the end).
    private mutating func parseBlockNode(indent: Int) throws(ConfigError) -> YAMLNode {
        if isSequenceEntry(at: index) {
            return try parseBlockSequence(indent: indent)
        }
        if looksLikeKey(at: index) {
            return try parseBlockMapping(indent: indent)
        }
        let node = try parseInlineValue()
        try finishLine(after: node)
        return node
    }

    private mutating func parseBlockMapping(indent: Int) throws(ConfigError) -> YAMLNode {
        let start = position(of: index)
        try enterCollection(at: index)
        defer { depth -= 1 }
        var entries: [YAMLMapEntry] = []
        var seen: [String: SourcePosition] = [:]
        while true {
            if isSequenceEntry(at: index) {
                throw error(at: index, "expected a key, found a list item ('- ')")
            }
            let keyIndex = index
            let key = try parseBlockKey()
            let keyPosition = position(of: keyIndex)
            if let first = seen[key] {
                throw error(at: keyIndex, "duplicate key '\(key)' (first defined at line \(first.line))")
            }
            seen[key] = keyPosition
            index += 1  // the ':'
            let afterColon = index
            skipBlanks()
            let value: YAMLNode
            if isAtLineEnd() {
                try finishLine()
                if let next = try nextContentLine(from: index),
                    next.indent > indent || (next.indent == indent && isSequenceEntry(at: next.index))
                {
                    index = next.index
                    value = try parseBlockNode(indent: next.indent)
                } else {
                    value = YAMLNode(value: .null, position: position(of: afterColon))
                }
            } else {
                if isSequenceEntry(at: index) {
                    throw error(
                        at: index, "a list cannot start on the same line as its key; put '- ' items on the next lines")
                }
                if looksLikeKey(at: index) {
                    throw error(at: index, "a map cannot start on the same line as its key; put it on the next lines")
                }
                value = try parseInlineValue()
                try finishLine(after: value)
            }
            entries.append(YAMLMapEntry(key: key, keyPosition: keyPosition, value: value))
            guard let next = try nextContentLine(from: index) else { break }
            if next.indent < indent || (next.indent == 0 && isAnyDocumentMarker(at: next.index)) {
                break
            }
            if next.indent > indent {
                throw error(at: next.index, "unexpected indentation")
            }
            index = next.index
        }
        return YAMLNode(value: .map(entries), position: start, style: .block)
    }

    private mutating func parseBlockSequence(indent: Int) throws(ConfigError) -> YAMLNode {
        let start = position(of: index)
        try enterCollection(at: index)
        defer { depth -= 1 }
        var items: [YAMLNode] = []
        while true {
            index += 1  // the '-'
            let afterDash = index
            skipBlanks()
            let item: YAMLNode
            if isAtLineEnd() {
                try finishLine()
                if let next = try nextContentLine(from: index), next.indent > indent {
                    index = next.index
                    item = try parseBlockNode(indent: next.indent)
                } else {
                    item = YAMLNode(value: .null, position: position(of: afterDash))
                }
            } else {
                item = try parseBlockNode(indent: index - lineStart(of: index))
            }
            items.append(item)
            guard let next = try nextContentLine(from: index) else { break }
            if next.indent < indent || !isSequenceEntry(at: next.index) {
                if next.indent > indent {
                    throw error(at: next.index, "unexpected indentation")
                }
                break
            }
            if next.indent > indent {
                throw error(at: next.index, "unexpected indentation")
            }
            index = next.index
        }
        return YAMLNode(value: .list(items), position: start, style: .block)
    }

    /// Counts one more level of nesting for the list or map starting at `offset`.
    private mutating func enterCollection(at offset: Int) throws(ConfigError) {
        guard depth < Self.maximumDepth else {
            throw error(
                at: offset,
                "lists and maps are nested more than \(Self.maximumDepth) levels deep here; a configuration needs "
                    + "only a few levels")
        }
        depth += 1
    }

    /// Reads a block map key up to (not including) its ':'.
    private mutating func parseBlockKey() throws(ConfigError) -> String {
        let keyIndex = index
        let first = text[index]
        if first == "?" && isSeparator(at: index + 1) {
            throw error(at: index, "complex keys ('?') are not supported")
        }
        if first == "[" || first == "{" {
            throw error(at: index, "complex keys (a list or map as a key) are not supported")
        }
        try rejectUnsupportedIndicator()
        let key: String
        if first == "\"" || first == "'" {
            let node = try parseQuotedScalar()
            guard case .string(let value) = node.value else { return "" }
            key = value
            skipBlanks()
        } else {
            var end = index
            while end < text.count, text[end] != "\n" {
                if text[end] == ":" && isSeparator(at: end + 1) { break }
                if text[end] == "#" && end > index && isBlank(text[end - 1]) { break }
                end += 1
            }
            key = trimmedString(from: index, to: end)
            index = end
        }
        guard index < text.count, text[index] == ":", isSeparator(at: index + 1) else {
            throw error(at: keyIndex, "expected a key followed by ':'")
        }
        if key.isEmpty {
            throw error(at: keyIndex, "empty keys are not supported")
        }
        return key
    }

    // MARK: - Inline values (scalars and flow collections)

    /// Parses a scalar or flow collection that starts at `index` in block context.
    private mutating func parseInlineValue() throws(ConfigError) -> YAMLNode {
        switch text[index] {
        case "[":
            return try parseFlowSequence()
        case "{":
            return try parseFlowMapping()
        case "\"", "'":
            return try parseQuotedScalar()
        default:
            try rejectUnsupportedIndicator()
            return plainScalar(inFlow: false)
        }
    }

    /// Parses a node inside a flow collection.
    private mutating func parseFlowNode() throws(ConfigError) -> YAMLNode {
        switch text[index] {
        case "[":
            return try parseFlowSequence()
        case "{":
            return try parseFlowMapping()
        case "\"", "'":
            return try parseQuotedScalar()
        case "]", "}", ",":
            throw error(at: index, "unexpected '\(text[index])'")
        default:
            try rejectUnsupportedIndicator()
            return plainScalar(inFlow: true)
        }
    }

    private mutating func parseFlowSequence() throws(ConfigError) -> YAMLNode {
        let startIndex = index
        try enterCollection(at: index)
        defer { depth -= 1 }
        index += 1  // '['
        var items: [YAMLNode] = []
        while true {
            skipFlowWhitespace()
            guard index < text.count else {
                throw error(at: startIndex, "unterminated list: expected ']'")
            }
            if text[index] == "]" {
                index += 1
                break
            }
            if text[index] == "?" && isFlowSeparator(at: index + 1) {
                throw error(at: index, "complex keys ('?') are not supported")
            }
            items.append(try parseFlowNode())
            skipFlowWhitespace()
            guard index < text.count else {
                throw error(at: startIndex, "unterminated list: expected ']'")
            }
            switch text[index] {
            case ",":
                index += 1
            case "]":
                index += 1
                return YAMLNode(value: .list(items), position: position(of: startIndex), style: .flow)
            case ":":
                throw error(at: index, "'key: value' pairs inside a list must be written as maps: [{a: 1}]")
            default:
                throw error(at: index, "expected ',' or ']' in the list, found \(describeCharacter(at: index))")
            }
        }
        return YAMLNode(value: .list(items), position: position(of: startIndex), style: .flow)
    }

    private mutating func parseFlowMapping() throws(ConfigError) -> YAMLNode {
        let startIndex = index
        try enterCollection(at: index)
        defer { depth -= 1 }
        index += 1  // '{'
        var entries: [YAMLMapEntry] = []
        var seen: [String: SourcePosition] = [:]
        while true {
            skipFlowWhitespace()
            guard index < text.count else {
                throw error(at: startIndex, "unterminated map: expected '}'")
            }
            if text[index] == "}" {
                index += 1
                break
            }
            let keyIndex = index
            let key: String
            switch text[index] {
            case "[", "{":
                throw error(at: index, "complex keys (a list or map as a key) are not supported")
            case "?" where isFlowSeparator(at: index + 1):
                throw error(at: index, "complex keys ('?') are not supported")
            case "\"", "'":
                let node = try parseQuotedScalar()
                guard case .string(let value) = node.value else { return node }
                key = value
            case ",", "]", "}", ":":
                throw error(at: index, "expected a key, found \(describeCharacter(at: index))")
            default:
                try rejectUnsupportedIndicator()
                let node = plainScalar(inFlow: true)
                key = node.source
            }
            skipFlowWhitespace()
            guard index < text.count, text[index] == ":" else {
                throw error(at: keyIndex, "expected ':' after the key '\(key)'")
            }
            if key.isEmpty {
                throw error(at: keyIndex, "empty keys are not supported")
            }
            if let first = seen[key] {
                throw error(at: keyIndex, "duplicate key '\(key)' (first defined at line \(first.line))")
            }
            seen[key] = position(of: keyIndex)
            index += 1  // ':'
            let afterColon = index
            skipFlowWhitespace()
            guard index < text.count else {
                throw error(at: startIndex, "unterminated map: expected '}'")
            }
            let value: YAMLNode
            if text[index] == "," || text[index] == "}" {
                value = YAMLNode(value: .null, position: position(of: afterColon))
            } else {
                value = try parseFlowNode()
            }
            entries.append(YAMLMapEntry(key: key, keyPosition: position(of: keyIndex), value: value))
            skipFlowWhitespace()
            guard index < text.count else {
                throw error(at: startIndex, "unterminated map: expected '}'")
            }
            switch text[index] {
            case ",":
                index += 1
            case "}":
                index += 1
                return YAMLNode(value: .map(entries), position: position(of: startIndex), style: .flow)
            default:
                throw error(at: index, "expected ',' or '}' in the map, found \(describeCharacter(at: index))")
            }
        }
        return YAMLNode(value: .map(entries), position: position(of: startIndex), style: .flow)
    }

    /// Reads a plain scalar and resolves it to null, a boolean, an integer, a float or a string.
    private mutating func plainScalar(inFlow: Bool) -> YAMLNode {
        let start = index
        var end = index
        while end < text.count {
            let scalar = text[end]
            if scalar == "\n" { break }
            if scalar == ":" && (isSeparator(at: end + 1) || (inFlow && isFlowIndicator(at: end + 1))) { break }
            if scalar == "#" && end > start && isBlank(text[end - 1]) { break }
            if inFlow && (scalar == "," || scalar == "[" || scalar == "]" || scalar == "{" || scalar == "}") { break }
            end += 1
        }
        let source = trimmedString(from: start, to: end)
        index = start + source.unicodeScalars.count
        return YAMLNode(value: Self.resolvePlain(source), position: position(of: start), source: source)
    }

    private mutating func parseQuotedScalar() throws(ConfigError) -> YAMLNode {
        let start = index
        let quote = text[index]
        index += 1
        var value = String.UnicodeScalarView()
        while true {
            guard index < text.count, text[index] != "\n" else {
                throw error(at: start, "unterminated quoted string (quoted strings must end on the same line)")
            }
            let scalar = text[index]
            if scalar == quote {
                if quote == "'" && index + 1 < text.count && text[index + 1] == "'" {
                    value.append("'")
                    index += 2
                    continue
                }
                index += 1
                break
            }
            if quote == "\"" && scalar == "\\" {
                value.append(try parseEscape())
                continue
            }
            value.append(scalar)
            index += 1
        }
        let source = String(String.UnicodeScalarView(text[start..<index]))
        return YAMLNode(
            value: .string(String(value)), position: position(of: start), source: source,
            style: quote == "\"" ? .doubleQuoted : .singleQuoted)
    }

    /// Reads one escape sequence of a double-quoted scalar (YAML 1.2 §5.7) at `index`.
    private mutating func parseEscape() throws(ConfigError) -> Unicode.Scalar {
        let escapeIndex = index
        index += 1
        guard index < text.count, text[index] != "\n" else {
            throw error(at: escapeIndex, "unterminated quoted string (quoted strings must end on the same line)")
        }
        let code = text[index]
        index += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\u{0}", "a": "\u{7}", "b": "\u{8}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{B}",
            "f": "\u{C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let replacement = simple[code] {
            return replacement
        }
        let digits: Int
        switch code {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default:
            throw error(at: escapeIndex, "unknown escape sequence '\\\(code)'")
        }
        var number: UInt32 = 0
        for _ in 0..<digits {
            guard index < text.count, let digit = hexValue(text[index]) else {
                throw error(at: escapeIndex, "'\\\(code)' must be followed by \(digits) hexadecimal digits")
            }
            number = number &* 16 &+ digit
            index += 1
        }
        guard let scalar = Unicode.Scalar(number) else {
            throw error(at: escapeIndex, "'\\\(code)' escape is not a valid Unicode scalar")
        }
        return scalar
    }

    /// Throws for the indicators this subset leaves out, when one starts a node at `index`.
    private func rejectUnsupportedIndicator() throws(ConfigError) {
        switch text[index] {
        case "?" where isSeparator(at: index + 1):
            throw error(at: index, "complex keys ('?') are not supported")
        case "&":
            throw error(at: index, "anchors ('&') are not supported")
        case "*":
            throw error(at: index, "aliases ('*') are not supported")
        case "!":
            throw error(at: index, "tags ('!') are not supported")
        case "|", ">":
            throw error(at: index, "block scalars ('|' and '>') are not supported; write the value on one line")
        case "%":
            throw error(at: index, "'%' cannot start a plain value; quote the value")
        case "@", "`":
            throw error(at: index, "'\(text[index])' is reserved and cannot start a plain value; quote the value")
        default:
            return
        }
    }

    // MARK: - Lines and whitespace

    /// Finds the next line at or after `start` (a line start) that holds something other than
    /// blanks and a comment, returning the index of its first character and its indentation.
    private func nextContentLine(from start: Int) throws(ConfigError) -> (index: Int, indent: Int)? {
        var lineBegin = start
        while lineBegin < text.count {
            var cursor = lineBegin
            var firstTab: Int?
            while cursor < text.count, isBlank(text[cursor]) {
                if text[cursor] == "\t" && firstTab == nil {
                    firstTab = cursor
                }
                cursor += 1
            }
            guard cursor < text.count else { return nil }
            if text[cursor] == "\n" || text[cursor] == "#" {
                while cursor < text.count, text[cursor] != "\n" {
                    cursor += 1
                }
                lineBegin = cursor + 1
                continue
            }
            if let firstTab {
                throw error(at: firstTab, "tabs are not allowed in indentation; indent with spaces")
            }
            return (cursor, cursor - lineBegin)
        }
        return nil
    }

    /// After a value: allows blanks and a comment, then requires the end of the line, and moves
    /// to the start of the next line.
    private mutating func finishLine(after node: YAMLNode? = nil) throws(ConfigError) {
        skipBlanks()
        guard index < text.count else { return }
        if text[index] == "#" && index > 0 && isBlank(text[index - 1]) {
            while index < text.count, text[index] != "\n" {
                index += 1
            }
        }
        guard index < text.count else { return }
        guard text[index] == "\n" else {
            if text[index] == ":", let node, node.style == .flow {
                throw error(at: index, "complex keys (a list or map as a key) are not supported")
            }
            if text[index] == ":" {
                throw error(at: index, "unexpected ':'; a map cannot start on the same line as its key")
            }
            throw error(at: index, "unexpected \(describeCharacter(at: index)) after the value")
        }
        index += 1
    }

    /// Skips spaces, tabs, line breaks and comments inside a flow collection.
    private mutating func skipFlowWhitespace() {
        while index < text.count {
            let scalar = text[index]
            if isBlank(scalar) || scalar == "\n" {
                index += 1
            } else if scalar == "#" && (index == 0 || isBlank(text[index - 1]) || text[index - 1] == "\n") {
                while index < text.count, text[index] != "\n" {
                    index += 1
                }
            } else {
                return
            }
        }
    }

    private mutating func skipBlanks() {
        while index < text.count, isBlank(text[index]) {
            index += 1
        }
    }

    /// Whether only blanks and possibly a comment remain on the line at `index`.
    private func isAtLineEnd() -> Bool {
        index >= text.count || text[index] == "\n" || (text[index] == "#" && index > 0 && isBlank(text[index - 1]))
    }

    // MARK: - Lookahead

    private func isSequenceEntry(at position: Int) -> Bool {
        position < text.count && text[position] == "-" && isSeparator(at: position + 1)
    }

    /// Whether a `key:` (plain or quoted key, then ':' and a blank or the line end) starts at `start`.
    private func looksLikeKey(at start: Int) -> Bool {
        guard start < text.count else { return false }
        var cursor = start
        let first = text[start]
        if first == "\"" || first == "'" {
            cursor += 1
            while cursor < text.count, text[cursor] != "\n" {
                if text[cursor] == "\\" && first == "\"" {
                    cursor += 2
                    continue
                }
                if text[cursor] == first {
                    if first == "'" && cursor + 1 < text.count && text[cursor + 1] == "'" {
                        cursor += 2
                        continue
                    }
                    break
                }
                cursor += 1
            }
            guard cursor < text.count, text[cursor] == first else { return false }
            cursor += 1
            while cursor < text.count, isBlank(text[cursor]) {
                cursor += 1
            }
            return cursor < text.count && text[cursor] == ":" && isSeparator(at: cursor + 1)
        }
        if "[{#&*!|>%@`".unicodeScalars.contains(first) || isSequenceEntry(at: start) {
            return false
        }
        while cursor < text.count, text[cursor] != "\n" {
            if text[cursor] == ":" && isSeparator(at: cursor + 1) { return true }
            if text[cursor] == "#" && cursor > start && isBlank(text[cursor - 1]) { return false }
            cursor += 1
        }
        return false
    }

    /// `---` or `...` at the start of a line, followed by a blank or the line end.
    private func isDocumentMarker(at position: Int, _ mark: Unicode.Scalar) -> Bool {
        guard position == lineStart(of: position), position + 2 < text.count else { return false }
        return text[position] == mark && text[position + 1] == mark && text[position + 2] == mark
            && isSeparator(at: position + 3)
    }

    private func isAnyDocumentMarker(at position: Int) -> Bool {
        isDocumentMarker(at: position, "-") || isDocumentMarker(at: position, ".")
    }

    /// A blank, a line break, or the end of the text.
    private func isSeparator(at position: Int) -> Bool {
        position >= text.count || isBlank(text[position]) || text[position] == "\n"
    }

    private func isFlowSeparator(at position: Int) -> Bool {
        isSeparator(at: position) || isFlowIndicator(at: position)
    }

    private func isFlowIndicator(at position: Int) -> Bool {
        guard position < text.count else { return false }
        let scalar = text[position]
        return scalar == "," || scalar == "[" || scalar == "]" || scalar == "{" || scalar == "}"
    }

    private func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    // MARK: - Positions and messages

    private func lineStart(of position: Int) -> Int {
        lineStarts[lineIndex(of: position)]
    }

    /// The 0-based line holding `position` (binary search over the line starts).
    private func lineIndex(of position: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= position {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return low
    }

    private func position(of offset: Int) -> SourcePosition {
        let line = lineIndex(of: offset)
        return SourcePosition(line: line + 1, column: offset - lineStarts[line] + 1)
    }

    private func trimmedString(from start: Int, to end: Int) -> String {
        var last = end
        while last > start, isBlank(text[last - 1]) {
            last -= 1
        }
        return String(String.UnicodeScalarView(text[start..<last]))
    }

    private func describeCharacter(at position: Int) -> String {
        guard position < text.count else { return "the end of the file" }
        if text[position] == "\n" { return "the end of the line" }
        return "'\(text[position])'"
    }

    private func error(at offset: Int, _ message: String) -> ConfigError {
        ConfigError(file: file, position: position(of: offset), message: message)
    }

    // MARK: - Scalar resolution (YAML 1.2 core schema, decimal only)

    /// Resolves a plain scalar's text.
    static func resolvePlain(_ source: String) -> YAMLNode.Value {
        switch source {
        case "", "~", "null", "Null", "NULL":
            return .null
        case "true", "True", "TRUE":
            return .bool(true)
        case "false", "False", "FALSE":
            return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
            return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF":
            return .float(-.infinity)
        case ".nan", ".NaN", ".NAN":
            return .float(.nan)
        default:
            break
        }
        if isIntegerSyntax(source) {
            if let value = Int(source) {
                return .integer(value)
            }
            // Too large for 64 bits: still a number, kept exactly as far as a Double can.
            return Double(source).map { .float($0) } ?? .string(source)
        }
        if isFloatSyntax(source), let value = Double(source) {
            return .float(value)
        }
        return .string(source)
    }

    /// `[-+]?[0-9]+`
    private static func isIntegerSyntax(_ source: String) -> Bool {
        var scalars = Substring(source).unicodeScalars[...]
        if let sign = scalars.first, sign == "-" || sign == "+" {
            scalars = scalars.dropFirst()
        }
        return !scalars.isEmpty && scalars.allSatisfy { ("0"..."9").contains($0) }
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloatSyntax(_ source: String) -> Bool {
        let scalars = Array(source.unicodeScalars)
        var cursor = 0
        func digits() -> Int {
            let begin = cursor
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) {
                cursor += 1
            }
            return cursor - begin
        }
        if cursor < scalars.count, scalars[cursor] == "-" || scalars[cursor] == "+" {
            cursor += 1
        }
        let integerDigits = digits()
        var fractionDigits = 0
        if cursor < scalars.count, scalars[cursor] == "." {
            cursor += 1
            fractionDigits = digits()
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if cursor < scalars.count, scalars[cursor] == "e" || scalars[cursor] == "E" {
            cursor += 1
            if cursor < scalars.count, scalars[cursor] == "-" || scalars[cursor] == "+" {
                cursor += 1
            }
            guard digits() > 0 else { return false }
        }
        return cursor == scalars.count
    }
}
