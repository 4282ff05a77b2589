import XCTest

@testable import NASProtocol

final class FrameDecoderTests: XCTestCase {
    private func frame(_ text: String) throws -> [UInt8] {
        try Framing.frame(Array(text.utf8))
    }

    /// Feeds `bytes` in chunks of `chunkSize`, draining frames after each chunk, then checks EOF.
    private func decodeAll(
        _ bytes: [UInt8], chunkSize: Int, maximumFrameSize: Int = Framing.defaultMaximumFrameSize
    ) -> (frames: [Frame], error: ProtocolError?) {
        var decoder = FrameDecoder(maximumFrameSize: maximumFrameSize)
        var frames: [Frame] = []
        var start = 0
        do {
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                decoder.append(bytes[start..<end])
                start = end
                while let frame = try decoder.nextFrame() {
                    frames.append(frame)
                }
            }
            try decoder.finish()
            return (frames, nil)
        } catch {
            return (frames, error)
        }
    }

    func testFraming_writesBigEndianLengthHeader() throws {
        let bytes = try Framing.frame(Array(repeating: 7, count: 258))
        XCTAssertEqual(Array(bytes.prefix(4)), [0, 0, 1, 2])
        XCTAssertEqual(bytes.count, 262)
    }

    func testDecoder_byteByByteAndAllAtOnce_yieldTheSameFrames() throws {
        let payloads = ["{\"type\":\"drain\"}", "", "x", String(repeating: "é", count: 5000), "{}"]
        var stream: [UInt8] = []
        for payload in payloads {
            stream += try frame(payload)
        }
        let expected = payloads.enumerated().map { Frame(index: $0.offset + 1, payload: Array($0.element.utf8)) }
        for chunkSize in [1, 2, 3, 4, 5, 7, 64, 4096, stream.count] {
            let result = decodeAll(stream, chunkSize: chunkSize)
            XCTAssertNil(result.error, "chunk size \(chunkSize)")
            XCTAssertEqual(result.frames, expected, "chunk size \(chunkSize)")
        }
    }

    func testDecoder_oversizedLength_isRejectedFromTheHeaderAlone_afterEarlierFrames() throws {
        var stream = try frame("ok")
        stream += [0x00, 0x10, 0x00, 0x01]  // 1 MiB + 1, no payload follows
        for chunkSize in [1, 3, stream.count] {
            let result = decodeAll(stream, chunkSize: chunkSize)
            XCTAssertEqual(result.frames.map(\.payload), [Array("ok".utf8)])
            XCTAssertEqual(result.error, .frameTooLarge(frame: 2, length: (1 << 20) + 1, limit: 1 << 20))
        }
    }

    func testDecoder_afterOversizedHeader_discardsLaterBytesAndStaysFailed() throws {
        var decoder = FrameDecoder(maximumFrameSize: 10)
        decoder.append([0, 0, 0, 11])
        decoder.append(try frame("fine"))
        XCTAssertThrowsError(try decoder.nextFrame()) { error in
            XCTAssertEqual(error as? ProtocolError, .frameTooLarge(frame: 1, length: 11, limit: 10))
        }
        XCTAssertThrowsError(try decoder.nextFrame())
        XCTAssertThrowsError(try decoder.finish())
    }

    func testDecoder_configurableLimit_acceptsExactlyTheLimit() throws {
        let result = decodeAll(try frame("12345"), chunkSize: 2, maximumFrameSize: 5)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.frames.count, 1)
        let over = decodeAll(try frame("123456"), chunkSize: 2, maximumFrameSize: 5)
        XCTAssertEqual(over.error, .frameTooLarge(frame: 1, length: 6, limit: 5))
    }

    func testDecoder_halfWrittenPayloadAtEOF_isTruncatedFrame() throws {
        let stream = try frame("one") + Array(try frame("two-three").prefix(7))
        for chunkSize in [1, stream.count] {
            let result = decodeAll(stream, chunkSize: chunkSize)
            XCTAssertEqual(result.frames.count, 1)
            XCTAssertEqual(
                result.error, .truncatedFrame(frame: 2, section: .payload, expectedBytes: 9, receivedBytes: 3))
        }
    }

    func testDecoder_halfWrittenHeaderAtEOF_isTruncatedFrame() {
        let result = decodeAll([0, 0], chunkSize: 1)
        XCTAssertEqual(result.error, .truncatedFrame(frame: 1, section: .header, expectedBytes: 4, receivedBytes: 2))
        XCTAssertEqual(
            result.error?.description, "frame 1: connection closed after 2 of 4 header bytes (half-written frame)")
    }

    func testDecoder_garbageBytes_areAnOversizedFrameNotAHang() {
        let garbage = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        let result = decodeAll(garbage, chunkSize: garbage.count)
        guard case .frameTooLarge(frame: 1, _, _) = result.error else {
            return XCTFail("expected frameTooLarge, got \(String(describing: result.error))")
        }
    }

    func testDecoder_tracksBoundaryAndFrameCount() throws {
        var decoder = FrameDecoder()
        XCTAssertTrue(decoder.isAtFrameBoundary)
        let bytes = try frame("abc")
        decoder.append(bytes.prefix(5))
        XCTAssertFalse(decoder.isAtFrameBoundary)
        XCTAssertNil(try decoder.nextFrame())
        decoder.append(bytes.dropFirst(5))
        XCTAssertTrue(decoder.isAtFrameBoundary)
        XCTAssertEqual(decoder.frameCount, 1)
        XCTAssertEqual(try decoder.nextFrame()?.payload, Array("abc".utf8))
    }
}
