/// Builds the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` once per
/// metric family, then its samples, label values escaped.
struct PrometheusText {
    private(set) var text = ""

    /// Starts a metric family.
    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// One sample without labels.
    mutating func sample(_ name: String, _ value: Double) {
        sample(name, [], value)
    }

    /// One sample.
    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        let rendered =
            labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        text += "\(name)\(rendered) \(Self.format(value))\n"
    }

    /// A summary's samples: its quantiles, `_sum` and `_count`.
    mutating func summary(_ name: String, _ labels: [(String, String)] = [], _ summary: LatencyRecorder.Summary) {
        for q in [0.5, 0.9, 0.99] {
            if let value = summary.quantile(q) { sample(name, labels + [("quantile", Self.format(q))], value) }
        }
        sample(name + "_sum", labels, summary.sum)
        sample(name + "_count", labels, Double(summary.count))
    }

    /// `\`, `"` and line breaks escaped, as the format requires in label values.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Integers without a fraction, other values in Swift's shortest round-trip form.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
