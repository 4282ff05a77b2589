import NASCore

/// What an integer field accepts; its `expectation` is what error messages say was expected.
enum IntegerRule {
    case any
    case atLeast(Int)
    case within(ClosedRange<Int>)

    func accepts(_ value: Int) -> Bool {
        switch self {
        case .any: return true
        case .atLeast(let minimum): return value >= minimum
        case .within(let range): return range.contains(value)
        }
    }

    var expectation: String {
        switch self {
        case .any: return "an integer"
        case .atLeast(let minimum): return "an integer ≥ \(minimum)"
        case .within(let range): return "an integer in [\(range.lowerBound), \(range.upperBound)]"
        }
    }
}

/// What a number field accepts.
enum NumberRule {
    case any
    case positive
    case atLeast(Double)
    case within(ClosedRange<Double>)
    /// `(lower, upper]`.
    case aboveAndAtMost(Double, Double)

    func accepts(_ value: Double) -> Bool {
        switch self {
        case .any: return value.isFinite
        case .positive: return value.isFinite && value > 0
        case .atLeast(let minimum): return value.isFinite && value >= minimum
        case .within(let range): return range.contains(value)
        case .aboveAndAtMost(let lower, let upper): return value > lower && value <= upper
        }
    }

    var expectation: String {
        switch self {
        case .any: return "a number"
        case .positive: return "a number > 0"
        case .atLeast(let minimum): return "a number ≥ \(formatNumber(minimum))"
        case .within(let range):
            return "a number in [\(formatNumber(range.lowerBound)), \(formatNumber(range.upperBound))]"
        case .aboveAndAtMost(let lower, let upper):
            return "a number in (\(formatNumber(lower)), \(formatNumber(upper))]"
        }
    }
}

/// `1` for 1.0, `0.25` for 0.25: numbers as a person would write them in a message.
func formatNumber(_ value: Double) -> String {
    if value.isFinite && value == value.rounded() && abs(value) < 1e15 {
        return String(Int(value))
    }
    return String(value)
}

/// `parent.key`, or `key` at the top level.
func keyPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? key : "\(parent).\(key)"
}

/// Typed reading of YAML nodes into configuration values, producing `ConfigError`s that name the
/// file, position, key path and expectation.
struct ValueDecoder {
    let file: String

    func error(_ node: YAMLNode, _ path: String, expected: String) -> ConfigError {
        ConfigError(
            file: file, position: node.position, keyPath: path,
            message: "expected \(expected), found \(node.foundDescription)")
    }

    func error(at position: SourcePosition, _ path: String, _ message: String, hint: String? = nil) -> ConfigError {
        ConfigError(file: file, position: position, keyPath: path, message: message, hint: hint)
    }

    func integer(_ node: YAMLNode, _ path: String, _ rule: IntegerRule) throws(ConfigError) -> Int {
        let value: Int
        switch node.value {
        case .integer(let integer):
            value = integer
        case .float(let float) where float.isFinite && float == float.rounded() && abs(float) <= 9.0e15:
            value = Int(float)
        default:
            throw error(node, path, expected: rule.expectation)
        }
        guard rule.accepts(value) else {
            throw error(node, path, expected: rule.expectation)
        }
        return value
    }

    func number(_ node: YAMLNode, _ path: String, _ rule: NumberRule) throws(ConfigError) -> Double {
        let value: Double
        switch node.value {
        case .integer(let integer): value = Double(integer)
        case .float(let float): value = float
        default: throw error(node, path, expected: rule.expectation)
        }
        guard rule.accepts(value) else {
            throw error(node, path, expected: rule.expectation)
        }
        return value
    }

    func bool(_ node: YAMLNode, _ path: String) throws(ConfigError) -> Bool {
        guard case .bool(let value) = node.value else {
            throw error(node, path, expected: "true or false")
        }
        return value
    }

    /// Any non-null scalar as text: strings unquoted, numbers and booleans as written.
    func string(_ node: YAMLNode, _ path: String, nonEmpty: Bool = true) throws(ConfigError) -> String {
        switch node.value {
        case .string(let value):
            if nonEmpty && value.isEmpty {
                throw error(node, path, expected: "a non-empty string")
            }
            return value
        case .integer, .float, .bool:
            return node.source
        default:
            throw error(node, path, expected: "a string")
        }
    }

    func list(_ node: YAMLNode, _ path: String, of expectation: String, nonEmpty: Bool = true)
        throws(ConfigError) -> [YAMLNode]
    {
        guard case .list(let items) = node.value, !(nonEmpty && items.isEmpty) else {
            throw error(node, path, expected: "a\(nonEmpty ? " non-empty" : "") list of \(expectation)")
        }
        return items
    }

    func integers(_ node: YAMLNode, _ path: String, _ rule: IntegerRule) throws(ConfigError) -> [Int] {
        let noun = rule.expectation.replacingFirst("an integer", with: "integers")
        var values: [Int] = []
        for (offset, item) in try list(node, path, of: noun).enumerated() {
            values.append(try integer(item, "\(path)[\(offset)]", rule))
        }
        return values
    }

    func numbers(_ node: YAMLNode, _ path: String, _ rule: NumberRule) throws(ConfigError) -> [Double] {
        let noun = rule.expectation.replacingFirst("a number", with: "numbers")
        var values: [Double] = []
        for (offset, item) in try list(node, path, of: noun).enumerated() {
            values.append(try number(item, "\(path)[\(offset)]", rule))
        }
        return values
    }

    /// One of a fixed set of words, with a did-you-mean for near misses.
    func choice(_ node: YAMLNode, _ path: String, among allowed: [String]) throws(ConfigError) -> String {
        let expectation = "one of " + allowed.joined(separator: ", ")
        guard case .string(let value) = node.value else {
            throw error(node, path, expected: expectation)
        }
        guard allowed.contains(value) else {
            var failure = error(node, path, expected: expectation)
            failure.hint = KeySuggestion.closest(to: value, among: allowed).map { "did you mean '\($0)'?" }
            throw failure
        }
        return value
    }

    /// `[C, H, W]`, each an integer ≥ 1.
    func shape(_ node: YAMLNode, _ path: String) throws(ConfigError) -> TensorShape {
        let expectation = "an input shape [C, H, W] of integers ≥ 1"
        guard case .list(let items) = node.value, items.count == 3 else {
            throw error(node, path, expected: expectation)
        }
        var dimensions: [Int] = []
        for (offset, item) in items.enumerated() {
            dimensions.append(try integer(item, "\(path)[\(offset)]", .atLeast(1)))
        }
        return TensorShape(channels: dimensions[0], height: dimensions[1], width: dimensions[2])
    }

    /// A duration: `30s`, `90m`, `2h`, `1h30m`, `250ms`, `1.5d`, or a plain number of seconds.
    func duration(_ node: YAMLNode, _ path: String, allowZero: Bool = false) throws(ConfigError) -> Duration {
        let expectation = "a duration such as 30s, 90m or 2h" + (allowZero ? "" : " (more than zero)")
        let nanoseconds: Double
        switch node.value {
        case .integer(let seconds):
            nanoseconds = Double(seconds) * 1e9
        case .float(let seconds):
            nanoseconds = seconds * 1e9
        case .string(let text):
            guard let parsed = DurationSyntax.nanoseconds(of: text) else {
                throw error(node, path, expected: expectation)
            }
            nanoseconds = parsed
        default:
            throw error(node, path, expected: expectation)
        }
        guard nanoseconds.isFinite, nanoseconds < 9.0e18, nanoseconds > 0 || (allowZero && nanoseconds == 0) else {
            throw error(node, path, expected: expectation)
        }
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }
}

extension ValueDecoder {
    /// Reads a section's `kind` before its allowed keys are known, so that unknown keys can then
    /// be checked against the kind's own keys.
    func sectionKind(_ node: YAMLNode, _ path: String, among allowed: [String]) throws(ConfigError) -> String {
        guard case .map(let entries) = node.value else {
            throw error(node, path, expected: "a map")
        }
        guard let kindNode = entries.first(where: { $0.key == "kind" })?.value else {
            throw error(at: node.position, path, "missing required key 'kind'")
        }
        return try choice(kindNode, keyPath(path, "kind"), among: allowed)
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

/// A map being decoded: rejects unknown keys (with a did-you-mean) as soon as it is opened,
/// and reads typed values by key with the right key path in every error.
struct MapDecoder {
    let decoder: ValueDecoder
    let path: String
    let node: YAMLNode
    let entries: [YAMLMapEntry]

    /// Opens `node` as a map whose keys must be among `allowed`.
    init(_ node: YAMLNode, path: String, decoder: ValueDecoder, allowed: [String]) throws(ConfigError) {
        guard case .map(let entries) = node.value else {
            throw decoder.error(node, path, expected: "a map")
        }
        for entry in entries where !allowed.contains(entry.key) {
            let hint =
                KeySuggestion.closest(to: entry.key, among: allowed).map { "did you mean '\($0)'?" }
                ?? "allowed keys here: " + allowed.joined(separator: ", ")
            throw decoder.error(at: entry.keyPosition, keyPath(path, entry.key), "unknown key", hint: hint)
        }
        self.decoder = decoder
        self.path = path
        self.node = node
        self.entries = entries
    }

    func path(_ key: String) -> String {
        keyPath(path, key)
    }

    /// The value of `key`, or nil when it is absent or null (so a default applies).
    func optional(_ key: String) -> YAMLNode? {
        guard let value = entries.first(where: { $0.key == key })?.value, !value.isNull else { return nil }
        return value
    }

    /// Whether `key` is written, even with an empty value.
    func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// The position of `key` when written.
    func keyPosition(_ key: String) -> SourcePosition? {
        entries.first { $0.key == key }?.keyPosition
    }

    /// The value of `key`; a missing key is reported at this map with its path.
    func required(_ key: String) throws(ConfigError) -> YAMLNode {
        guard let value = entries.first(where: { $0.key == key })?.value else {
            throw decoder.error(at: node.position, path, "missing required key '\(key)'")
        }
        return value
    }

    func integer(_ key: String, default value: Int, _ rule: IntegerRule) throws(ConfigError) -> Int {
        guard let node = optional(key) else { return value }
        return try decoder.integer(node, path(key), rule)
    }

    func optionalInteger(_ key: String, _ rule: IntegerRule) throws(ConfigError) -> Int? {
        guard let node = optional(key) else { return nil }
        return try decoder.integer(node, path(key), rule)
    }

    func number(_ key: String, default value: Double, _ rule: NumberRule) throws(ConfigError) -> Double {
        guard let node = optional(key) else { return value }
        return try decoder.number(node, path(key), rule)
    }

    func optionalNumber(_ key: String, _ rule: NumberRule) throws(ConfigError) -> Double? {
        guard let node = optional(key) else { return nil }
        return try decoder.number(node, path(key), rule)
    }

    func integers(_ key: String, default value: [Int], _ rule: IntegerRule) throws(ConfigError) -> [Int] {
        guard let node = optional(key) else { return value }
        return try decoder.integers(node, path(key), rule)
    }

    func numbers(_ key: String, default value: [Double], _ rule: NumberRule) throws(ConfigError) -> [Double] {
        guard let node = optional(key) else { return value }
        return try decoder.numbers(node, path(key), rule)
    }

    func optionalDuration(_ key: String, allowZero: Bool = false) throws(ConfigError) -> Duration? {
        guard let node = optional(key) else { return nil }
        return try decoder.duration(node, path(key), allowZero: allowZero)
    }

    /// A list of words naming cases of `Choice` (each checked as `choice` checks one, with a
    /// did-you-mean), in the order written, each kept once; `value` when `key` is absent.
    func choices<Choice: CaseIterable & RawRepresentable & Equatable>(_ key: String, default value: [Choice])
        throws(ConfigError) -> [Choice] where Choice.RawValue == String
    {
        guard let node = optional(key) else { return value }
        let path = path(key)
        let names = Choice.allCases.map(\.rawValue)
        var chosen: [Choice] = []
        for (offset, item) in try decoder.list(node, path, of: names.joined(separator: ", ")).enumerated() {
            let name = try decoder.choice(item, "\(path)[\(offset)]", among: names)
            if let choice = Choice(rawValue: name), !chosen.contains(choice) {
                chosen.append(choice)
            }
        }
        return chosen
    }

    func optionalShape(_ key: String) throws(ConfigError) -> TensorShape? {
        guard let node = optional(key) else { return nil }
        return try decoder.shape(node, path(key))
    }

    /// The required `kind` of a section, one of `allowed`.
    func kind(among allowed: [String]) throws(ConfigError) -> String {
        try decoder.choice(try required("kind"), path("kind"), among: allowed)
    }
}
