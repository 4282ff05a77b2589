import NASProtocol
import XCTest

@testable import NASWorker

/// `TrialLogBuffer` under a flood of trainer output (issue 11): memory stays bounded by lines and
/// bytes, and the note about dropped lines gives the true reason.
final class TrialLogBufferTests: XCTestCase {
    private let key = TrialLogBuffer.Key(jobID: "j1", trialID: "1", runName: "r")

    func testAFloodWhileConnected_keepsTheNewestLinesAndBlamesTheVolumeNotTheDaemon() throws {
        let buffer = TrialLogBuffer(capacity: 1000, flushInterval: .milliseconds(200))
        buffer.setDaemonReachable(true)
        for index in 0..<200_000 {
            buffer.append("line \(index)", for: key)
        }
        let message = try XCTUnwrap(buffer.takeAll().first)
        XCTAssertEqual(message.lines.count, 1 + 1000)
        XCTAssertEqual(message.lines.last, "line 199999")
        XCTAssertEqual(message.lines[1], "line 199000")
        let note = message.lines[0]
        XCTAssertTrue(note.hasPrefix("[nasd worker: 199000 log lines dropped: the trainer wrote more than"), note)
        XCTAssertTrue(note.contains("every 200 ms"), note)
        XCTAssertFalse(note.contains("unreachable"), note)
    }

    func testLinesDroppedWhileDisconnected_sayTheDaemonWasUnreachable() throws {
        let buffer = TrialLogBuffer(capacity: 10, flushInterval: .seconds(1))
        for index in 0..<15 {
            buffer.append("line \(index)", for: key)
        }
        let lines = try XCTUnwrap(buffer.takeAll().first).lines
        XCTAssertEqual(lines.count, 11)
        XCTAssertTrue(
            lines[0].hasPrefix("[nasd worker: 5 log lines dropped while the daemon was unreachable"), lines[0])
    }

    func testLongLines_areBoundedByBytesSoABatchFitsInAFrame() throws {
        let buffer = TrialLogBuffer(capacity: 1000, flushInterval: .milliseconds(200))
        buffer.setDaemonReachable(true)
        let line = String(repeating: "\u{1}", count: 60 * 1024)
        for _ in 0..<50 {
            buffer.append(line, for: key)
        }
        let message = try XCTUnwrap(buffer.takeAll().first)
        let kept = message.lines.dropFirst()
        XCTAssertEqual(kept.count, 2)
        XCTAssertLessThanOrEqual(kept.reduce(0) { $0 + $1.utf8.count }, TrialLogBuffer.defaultByteCapacity)
        // Control characters escape to six bytes each in JSON: the batch still fits in one frame.
        XCTAssertNoThrow(try MessageCodec().encodeFrame(WorkerMessage.log(message)))
    }

    func testNothingDropped_addsNoNote() throws {
        let buffer = TrialLogBuffer(capacity: 10, flushInterval: .milliseconds(200))
        buffer.append("only", for: key)
        XCTAssertEqual(buffer.takeAll().first?.lines, ["only"])
    }
}
