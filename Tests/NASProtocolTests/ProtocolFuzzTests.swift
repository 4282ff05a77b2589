import Foundation
import NASCore
import NASProtocol
import NASTestSupport
import XCTest

/// Seeded fuzzing of the worker and control protocol decoders (issue 11, §2): the frame decoder
/// over random streams cut at random points, and the message codec over mutated valid payloads
/// of each family. Every input decodes or fails with a `ProtocolError` naming the frame; none
/// crashes or hangs.
final class ProtocolFuzzTests: XCTestCase {
    /// The budgets recorded in docs/RELIABILITY.md.
    static let messageIterations = 2_000
    static let streamIterations = 1_000

    static let dictionary = [
        "{", "}", "[", "]", ",", ":", "\"", "\"type\":", "\"seq\":", "\"slots\":", "null", "true", "-1",
        "18446744073709551616", "9223372036854775807", "1e400", "NaN", "\"\\u0000\"", "\"\\ud800\"", "[[[[[[[[",
    ]

    private func payloads<Message: WireMessage>(_ messages: [Message]) throws -> [[UInt8]] {
        try messages.map { try MessageCodec().encodePayload($0) }
    }

    private func fuzz<Message: WireMessage>(
        _ type: Message.Type, seeds: [[UInt8]], seed: UInt64, name: String
    ) throws {
        let codec = MessageCodec()
        var fuzzer = InputFuzzer(seed: seed, seeds: seeds, dictionary: Self.dictionary)
        let report = fuzzer.run(iterations: Self.messageIterations) { bytes in
            do {
                let message = try codec.decode(type, payload: bytes, frameIndex: 7)
                // What decodes re-encodes (or is refused as unencodable, e.g. a non-finite metric).
                _ = try? codec.encodePayload(message)
                return true
            } catch let error as ProtocolError {
                XCTAssertTrue(error.description.hasPrefix("frame 7"), "\(name): \(error)")
                return false
            } catch {
                XCTFail("\(name): not a ProtocolError: \(error)")
                return false
            }
        }
        print("protocol fuzz (\(name)): \(report)")
        XCTAssertGreaterThan(report.accepted, 0, "\(name): nothing decoded; the seeds are wrong")
    }

    func testMutatedWorkerMessages_decodeOrNameTheFrame() throws {
        try fuzz(WorkerMessage.self, seeds: payloads(MessageFixtures.workerMessages), seed: 0x3011, name: "worker")
    }

    func testMutatedDaemonMessages_decodeOrNameTheFrame() throws {
        try fuzz(DaemonMessage.self, seeds: payloads(MessageFixtures.daemonMessages), seed: 0x3012, name: "daemon")
    }

    func testMutatedControlRequestsAndResponses_decodeOrNameTheFrame() throws {
        try fuzz(
            ControlRequest.self, seeds: payloads(MessageFixtures.controlRequests), seed: 0x3013, name: "control request"
        )
        try fuzz(
            ControlResponse.self, seeds: payloads(MessageFixtures.controlResponses), seed: 0x3014,
            name: "control response")
    }

    func testReportSequences_goingBackwardsOrRepeating_areRefused() throws {
        func progress(_ seq: UInt64) -> WorkerMessage {
            .epochProgress(
                .init(
                    jobID: "j", attempt: 1, trialID: "1", runName: "r",
                    record: EpochRecord(epoch: 1, validationAccuracy: 0.5), seq: seq))
        }
        var sequence = ReportSequence()
        try sequence.accept(progress(0), frame: 2)
        try sequence.accept(.heartbeat(.init(inFlight: [])), frame: 3)
        try sequence.accept(progress(5), frame: 4)
        XCTAssertThrowsError(try sequence.accept(progress(5), frame: 5)) { error in
            XCTAssertEqual(
                "\(error)",
                "frame 5 (epochProgress): sequence number 5 does not follow 5; report sequence numbers must strictly "
                    + "increase")
        }
        XCTAssertThrowsError(try sequence.accept(progress(3), frame: 6))
        try sequence.accept(progress(6), frame: 7)
    }

    func testRandomStreamsCutAtRandomPoints_yieldTheSameFramesAndErrorAsWhole() throws {
        let frames = try MessageFixtures.workerMessages.map { try MessageCodec().encodeFrame($0) }
        var fuzzer = InputFuzzer(seed: 0x3015, seeds: [Array(frames.joined())], dictionary: ["\u{0}\u{0}\u{0}"])
        var cuts = SeededGenerator(seed: 9)
        let report = fuzzer.run(iterations: Self.streamIterations) { bytes in
            let whole = Self.decode([bytes[...]], limit: 4096)
            var chunks: [ArraySlice<UInt8>] = []
            var offset = 0
            while offset < bytes.count {
                let length = Int.random(in: 1...64, using: &cuts)
                chunks.append(bytes[offset..<min(bytes.count, offset + length)])
                offset += length
            }
            let pieces = Self.decode(chunks, limit: 4096)
            XCTAssertEqual(whole.frames, pieces.frames)
            XCTAssertEqual(whole.error, pieces.error)
            return whole.error == nil
        }
        print("protocol fuzz (frame streams): \(report)")
    }

    private static func decode(_ chunks: [ArraySlice<UInt8>], limit: Int) -> (frames: [[UInt8]], error: ProtocolError?)
    {
        var decoder = FrameDecoder(maximumFrameSize: limit)
        var frames: [[UInt8]] = []
        do {
            for chunk in chunks {
                decoder.append(chunk)
                while let frame = try decoder.nextFrame() { frames.append(frame.payload) }
            }
            try decoder.finish()
            return (frames, nil)
        } catch {
            return (frames, error)
        }
    }
}
