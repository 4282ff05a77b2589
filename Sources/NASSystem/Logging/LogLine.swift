import Foundation

/// One structured log line in logfmt: `time=… level=… component=… msg="…" key=value …`.
///
/// Values are quoted when they hold a space, `=` or `"` (with `"` and `\` escaped, line breaks as
/// `\n`), so every line is one line and `grep level=error` or a logfmt parser reads it.
public struct LogLine: Sendable {
    public var time: Date
    public var level: LogLevel
    /// Who logged it: `daemon`, `worker`, `http`, …
    public var component: String
    public var message: String
    /// Further fields, written in this order after `msg`.
    public var fields: [(key: String, value: String)]

    public init(
        time: Date, level: LogLevel, component: String, message: String, fields: [(key: String, value: String)] = []
    ) {
        self.time = time
        self.level = level
        self.component = component
        self.message = message
        self.fields = fields
    }

    /// The formatted line, without a line break.
    public var text: String {
        var parts = [
            "time="
                + time.formatted(
                    .iso8601.year().month().day().time(includingFractionalSeconds: true)
                        .timeZone(separator: .omitted)),
            "level=" + level.name, "component=" + Self.value(component), "msg=" + Self.quoted(message),
        ]
        for (key, value) in fields { parts.append(key + "=" + Self.value(value)) }
        return parts.joined(separator: " ")
    }

    /// A value as is when it is one plain word, else quoted.
    static func value(_ text: String) -> String {
        let plain =
            !text.isEmpty && !text.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.isNewline }
        return plain ? text : quoted(text)
    }

    /// A value in double quotes with `\`, `"` and line breaks escaped.
    static func quoted(_ text: String) -> String {
        var escaped = "\""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}
