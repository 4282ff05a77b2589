import NASProtocol
import NASSystem
import XCTest

final class FramedConnectionTests: XCTestCase {
    private let codec = MessageCodec()

    private func connectedPair() throws -> (client: SocketConnection, server: SocketConnection, SocketListener) {
        let listener = try SocketListener.listen(on: SocketEndpoint(host: "127.0.0.1", port: 0))
        let client = try SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: listener.port ?? 0))
        guard let server = try listener.accept() else {
            throw SystemError(call: "accept", code: 0)
        }
        return (client, server, listener)
    }

    func testMessages_travelBothWays_andTheStreamEndsWhenThePeerCloses() async throws {
        try await assertNoDescriptorLeak {
            let (client, server, listener) = try connectedPair()
            listener.close()
            let worker = FramedConnection(client)
            let daemon = FramedConnection(server)
            let hello = WorkerMessage.ready(.init(freeSlots: 2))
            for _ in 0..<100 {
                try await worker.send(hello, codec: codec)
            }
            var received = 0
            var daemonFrames = daemon.frames.makeAsyncIterator()
            while received < 100, let frame = try await daemonFrames.next() {
                XCTAssertEqual(try codec.decode(WorkerMessage.self, from: frame), hello)
                XCTAssertEqual(frame.index, received + 1)
                received += 1
            }
            XCTAssertEqual(received, 100)
            try await daemon.send(DaemonMessage.ack(.init(seq: 7)), codec: codec)
            var workerFrames = worker.frames.makeAsyncIterator()
            let firstFrame = try await workerFrames.next()
            let ack = try XCTUnwrap(firstFrame)
            XCTAssertEqual(try codec.decode(DaemonMessage.self, from: ack), .ack(.init(seq: 7)))
            worker.close()
            let end = try await daemonFrames.next()
            XCTAssertNil(end, "clean close at a frame boundary ends the stream without error")
            let workerEnd = try await workerFrames.next()
            XCTAssertNil(workerEnd)
        }
    }

    func testOversizedFrame_endsTheStreamWithFrameTooLarge() async throws {
        let (client, server, listener) = try connectedPair()
        listener.close()
        let daemon = FramedConnection(server, maximumFrameSize: 1024)
        try client.write(try Framing.frame(Array("{}".utf8)) + [0, 0, 4, 1])
        var frames = daemon.frames.makeAsyncIterator()
        let first = try await frames.next()
        XCTAssertEqual(first?.payload, Array("{}".utf8))
        do {
            _ = try await frames.next()
            XCTFail("an oversized frame must end the stream with an error")
        } catch {
            XCTAssertEqual(error as? ProtocolError, .frameTooLarge(frame: 2, length: 1025, limit: 1024))
        }
        client.close()
    }

    func testHalfWrittenFrameThenDisconnect_endsTheStreamWithTruncatedFrame() async throws {
        let (client, server, listener) = try connectedPair()
        listener.close()
        let daemon = FramedConnection(server)
        try client.write([0, 0, 0, 10, 1, 2, 3])
        client.close()
        do {
            for try await _ in daemon.frames {}
            XCTFail("a half-written frame must end the stream with an error")
        } catch {
            XCTAssertEqual(
                error as? ProtocolError,
                .truncatedFrame(frame: 1, section: .payload, expectedBytes: 10, receivedBytes: 3))
        }
    }

    func testSendAfterClose_fails() async throws {
        let (client, server, listener) = try connectedPair()
        listener.close()
        let worker = FramedConnection(client)
        worker.close()
        for try await _ in worker.frames {}
        do {
            try await worker.send(DaemonMessage.drain, codec: codec)
            XCTFail("sending on a closed connection must fail")
        } catch {
            XCTAssertNotNil(error as? SystemError)
        }
        server.close()
    }
}
