import Foundation
import NASTestSupport
import XCTest

@testable import NASSystem

final class LogLineTests: XCTestCase {
    func testText_isOneLogfmtLine_withValuesQuotedWhenNeeded() {
        let line = LogLine(
            time: Date(timeIntervalSince1970: 1_700_000_000.25), level: .warning, component: "daemon",
            message: "run 'demo': worker \"w1\" lost\nsecond line", fields: [("run", "demo"), ("path", "a b")])
        XCTAssertEqual(
            line.text,
            "time=2023-11-14T22:13:20.250Z level=warning component=daemon "
                + "msg=\"run 'demo': worker \\\"w1\\\" lost\\nsecond line\" run=demo path=\"a b\"")
        XCTAssertFalse(line.text.contains("\n"))
        XCTAssertEqual(LogLine.value(""), "\"\"")
        XCTAssertEqual(LogLine.value("k=v"), "\"k=v\"")
    }

    func testDestination_writesTheFileAtItsThreshold_andAppends() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path + "/nasd.log"
        let time = Date(timeIntervalSince1970: 1_700_000_000)
        do {
            let destination = try LogDestination(standardError: nil, filePath: path, fileThreshold: .info)
            XCTAssertFalse(destination.accepts(.debug))
            XCTAssertTrue(destination.accepts(.info))
            for level in LogLevel.allCases {
                destination.write(LogLine(time: time, level: level, component: "t", message: level.name))
            }
        }
        let again = try LogDestination(standardError: nil, filePath: path, fileThreshold: .error)
        again.write(LogLine(time: time, level: .warning, component: "t", message: "dropped"))
        again.write(LogLine(time: time, level: .error, component: "t", message: "appended"))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(
            lines.map { $0.split(separator: " ")[1] }, ["level=info", "level=warning", "level=error", "level=error"])
        XCTAssertTrue(lines.last?.hasSuffix("msg=\"appended\"") ?? false)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertFalse(LogDestination.discard.accepts(.error))
    }

    func testDestination_keepsLinesWholeUnderConcurrentWriters() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory(prefix: "log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path + "/nasd.log"
        let destination = try LogDestination(standardError: nil, filePath: path)
        let message = String(repeating: "x", count: 2000)
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            for _ in 0..<50 {
                destination.write(LogLine(time: Date(), level: .info, component: "w\(writer)", message: message))
            }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 400)
        XCTAssertTrue(lines.allSatisfy { $0.hasSuffix("msg=\"\(message)\"") })
    }
}
