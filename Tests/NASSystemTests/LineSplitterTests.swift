import NASSystem
import XCTest

final class LineSplitterTests: XCTestCase {
    private func split(_ text: String, chunk: Int, maximum: Int = 64) -> [LineSplitter.Line] {
        var splitter = LineSplitter(maximumLineLength: maximum)
        let bytes = Array(text.utf8)
        var lines: [LineSplitter.Line] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            lines += splitter.append(bytes[start..<end])
            start = end
        }
        if let last = splitter.finish() {
            lines.append(last)
        }
        return lines
    }

    func testByteByByteAndAllAtOnce_giveTheSameLines() {
        let text = "epoch 1\r\nepoch 2\n\n" + String(repeating: "x", count: 100) + "\ntail"
        let whole = split(text, chunk: text.utf8.count)
        XCTAssertEqual(whole.map(\.text), ["epoch 1", "epoch 2", "", String(repeating: "x", count: 64), "tail"])
        XCTAssertEqual(whole.map(\.isTruncated), [false, false, false, true, false])
        for chunk in [1, 2, 3, 7, 63, 64, 65] {
            XCTAssertEqual(split(text, chunk: chunk), whole, "chunk \(chunk)")
        }
    }

    func testOverlongUnterminatedLine_atEndOfStream_isNotEmittedTwice() {
        let lines = split(String(repeating: "y", count: 70), chunk: 5, maximum: 10)
        XCTAssertEqual(lines, [LineSplitter.Line(text: String(repeating: "y", count: 10), isTruncated: true)])
    }

    func testInvalidUTF8_isRepairedNotDropped() {
        var splitter = LineSplitter()
        let lines = splitter.append([0x61, 0xff, 0x62, 0x0a])
        XCTAssertEqual(lines.map(\.text), ["a\u{FFFD}b"])
    }
}
