import Foundation
import NASSystem
import Synchronization
import XCTest

@testable import NASDaemon

final class DaemonLoggerTests: XCTestCase {
    func testLines_areLogfmt_withTheLevelReadFromTheCoresPrefixes() {
        let lines = Mutex<[String]>([])
        let log = DaemonLogger { line in lines.withLock { $0.append(line) } }
        log("resumed run 'demo': 2 queued")
        log("error: run in /x cannot be resumed")
        log("warning: worker w1 lost")
        log.component("http").debug("GET / 200")
        let written = lines.withLock { $0 }
        XCTAssertEqual(written.count, 4)
        XCTAssertTrue(
            written[0].contains(" level=info component=daemon msg=\"resumed run 'demo': 2 queued\""), written[0])
        XCTAssertTrue(
            written[1].contains(" level=error component=daemon msg=\"run in /x cannot be resumed\""), written[1])
        XCTAssertTrue(written[2].contains(" level=warning "), written[2])
        XCTAssertTrue(written[3].contains(" level=debug component=http msg=\"GET / 200\""), written[3])
        XCTAssertTrue(written.allSatisfy { $0.hasPrefix("time=") && $0.hasSuffix("\"") })
    }

    func testThreshold_dropsLinesBelowIt_beforeBuildingThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nasd.log").path
        let log = DaemonLogger(
            destination: try LogDestination(standardError: nil, filePath: path, fileThreshold: .warning))
        let built = Mutex(0)
        func message(_ text: String) -> String {
            built.withLock { $0 += 1 }
            return text
        }
        log.debug(message("detail"))
        log.info(message("routine"))
        log.warning(message("kept"))
        XCTAssertEqual(built.withLock { $0 }, 1, "messages below the threshold are never built")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 1)
        XCTAssertTrue(text.contains("msg=\"kept\""), text)
    }
}
