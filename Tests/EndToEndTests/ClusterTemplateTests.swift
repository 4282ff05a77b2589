import Foundation
import NASTestSupport
import XCTest

/// Issue 10 §5: the cluster templates call `nasd` only with options it has, so they cannot drift
/// from the command line unnoticed.
final class ClusterTemplateTests: EndToEndTestCase {
    private static let templates = [
        "examples/slurm/worker.sbatch", "examples/k8s/worker-job.yaml", "examples/systemd/nasd.service",
        "examples/systemd/nasd-worker@.service",
    ]

    func testTemplates_useOnlyOptionsThatTheirCommandHas() async throws {
        var checked = 0
        for template in Self.templates {
            let text = try String(
                contentsOf: TestEnvironment.packageRoot.appendingPathComponent(template), encoding: .utf8)
            for (command, options) in Self.invocations(in: text) {
                let help = try await NASDCommand.run([command, "--help"], timeout: 10)
                XCTAssertEqual(help.exitCode, 0, "\(template): nasd \(command) --help")
                for option in options {
                    XCTAssertTrue(
                        help.outputText.contains("  --\(option)"), "\(template): nasd \(command) has no --\(option)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 12, "the templates' nasd options were found")
    }

    /// Each `nasd worker|serve …` invocation outside comments (continued over `\` line ends and YAML
    /// folded lines) with the long options it passes.
    static func invocations(in text: String) -> [(command: String, options: [String])] {
        let code = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .joined(separator: "\n").replacingOccurrences(of: "\\\n", with: " ")
        var found: [(String, [String])] = []
        for command in ["worker", "serve"] {
            for marker in ["nasd \(command)", "\"$NASD\" \(command)"] {
                var rest = code[...]
                while let range = rest.range(of: marker) {
                    let tail = rest[range.upperBound...]
                    rest = tail
                    guard let next = tail.first, next == " " || next == "\n" else { continue }
                    // Up to the end of the shell line, or of the YAML folded block (its next key).
                    let end = tail.range(of: "\n\n")?.lowerBound ?? tail.endIndex
                    let block = tail[..<end].split(separator: "\n").prefix { !$0.contains(":") || $0.contains("--") }
                    let words = block.joined(separator: " ").split(separator: " ")
                    let options = words.filter { $0.hasPrefix("--") && $0.count > 2 }.map { String($0.dropFirst(2)) }
                        .filter { $0.allSatisfy { $0.isLetter || $0 == "-" } }
                    if !options.isEmpty { found.append((command, options)) }
                }
            }
        }
        return found
    }
}
