import NASCore
import XCTest

@testable import NASProtocol

final class MessageCodecTests: XCTestCase {
    private let codec = MessageCodec()

    private func roundTrip<Message: WireMessage & Equatable>(_ message: Message) throws -> Message {
        let bytes = try codec.encodeFrame(message)
        var decoder = FrameDecoder()
        decoder.append(bytes)
        let frame = try XCTUnwrap(try decoder.nextFrame())
        XCTAssertNil(try decoder.nextFrame())
        return try codec.decode(Message.self, from: frame)
    }

    private func decodeError<Message: WireMessage>(
        _ type: Message.Type, _ json: String, frame: Int = 3
    ) -> ProtocolError? {
        do {
            _ = try codec.decode(type, payload: Array(json.utf8), frameIndex: frame)
            return nil
        } catch {
            return error
        }
    }

    func testWorkerMessages_everyCaseRoundTrips() throws {
        let kinds = Set(MessageFixtures.workerMessages.map(\.kind))
        XCTAssertEqual(kinds, Set(WorkerMessage.Kind.allCases))
        for message in MessageFixtures.workerMessages {
            XCTAssertEqual(try roundTrip(message), message)
        }
    }

    func testDaemonMessages_everyCaseRoundTrips_comparingTrialSpecFieldsBesideArchitecture() throws {
        XCTAssertEqual(Set(MessageFixtures.daemonMessages.map(\.kind)), Set(DaemonMessage.Kind.allCases))
        for message in MessageFixtures.daemonMessages {
            let decoded = try roundTrip(message)
            guard case .assign(let sent) = message else {
                XCTAssertEqual(decoded, message)
                continue
            }
            guard case .assign(let received) = decoded else {
                return XCTFail("expected assign, got \(decoded)")
            }
            XCTAssertEqual(received.jobID, sent.jobID)
            XCTAssertEqual(received.attempt, sent.attempt)
            XCTAssertEqual(received.trainer, sent.trainer)
            XCTAssertEqual(received.spec.trialID, sent.spec.trialID)
            XCTAssertEqual(received.spec.runName, sent.spec.runName)
            XCTAssertEqual(received.spec.hyperparameters, sent.spec.hyperparameters)
            XCTAssertEqual(received.spec.seed, sent.spec.seed)
            XCTAssertEqual(received.spec.epochBudget, sent.spec.epochBudget)
            XCTAssertEqual(received.spec.startEpoch, sent.spec.startEpoch)
            XCTAssertEqual(received.spec.checkpointDirectory, sent.spec.checkpointDirectory)
        }
    }

    func testControlRequestsAndResponses_everyCaseRoundTrips() throws {
        XCTAssertEqual(Set(MessageFixtures.controlRequests.map(\.kind)), Set(ControlRequest.Kind.allCases))
        for request in MessageFixtures.controlRequests {
            XCTAssertEqual(try roundTrip(request), request)
        }
        for response in MessageFixtures.controlResponses {
            XCTAssertEqual(try roundTrip(response), response)
        }
    }

    /// A worker from before `permanent` existed sends `fail` without it: the failure decodes as
    /// one that may be retried.
    func testDecode_failWithoutPermanent_isRetryable() throws {
        let json =
            #"{"type":"fail","jobID":"7","attempt":1,"trialID":"3","runName":"r","reason":"x","logTail":[],"seq":4}"#
        let message = try codec.decode(WorkerMessage.self, payload: Array(json.utf8), frameIndex: 1)
        guard case .fail(let failure) = message else { return XCTFail("\(message)") }
        XCTAssertNil(failure.permanent)
        let permanent = json.replacingOccurrences(of: #""seq":4"#, with: #""permanent":true,"seq":4"#)
        guard
            case .fail(let marked) = try codec.decode(WorkerMessage.self, payload: Array(permanent.utf8), frameIndex: 1)
        else { return XCTFail("not a fail") }
        XCTAssertEqual(marked.permanent, true)
    }

    func testEncode_isCompactJSONWithTypeDiscriminatorBesideTheFields() throws {
        let payload = try codec.encodePayload(DaemonMessage.ack(.init(seq: 12)))
        XCTAssertEqual(String(decoding: payload, as: UTF8.self), #"{"seq":12,"type":"ack"}"#)
        let drain = try codec.encodePayload(DaemonMessage.drain)
        XCTAssertEqual(String(decoding: drain, as: UTF8.self), #"{"type":"drain"}"#)
    }

    func testDecode_missingNestedField_namesFrameTypeAndField() {
        let json = #"{"type":"epochProgress","jobID":"j","attempt":1,"trialID":"t","runName":"r","seq":1}"#
        let error = decodeError(WorkerMessage.self, json)
        XCTAssertEqual(error, .missingField(frame: 3, messageType: "epochProgress", field: "record"))
        XCTAssertEqual(error?.description, "frame 3 (epochProgress): missing field 'record'")

        let nested =
            #"{"type":"epochProgress","jobID":"j","attempt":1,"trialID":"t","runName":"r","seq":1,"#
            + #""record":{"validationAccuracy":0.5,"metrics":{}}}"#
        XCTAssertEqual(
            decodeError(WorkerMessage.self, nested),
            .missingField(frame: 3, messageType: "epochProgress", field: "record.epoch"))
    }

    func testDecode_wrongFieldType_namesFieldAndExpectedType() {
        let json = #"{"type":"ready","freeSlots":"two"}"#
        XCTAssertEqual(
            decodeError(WorkerMessage.self, json, frame: 7),
            .invalidField(frame: 7, messageType: "ready", field: "freeSlots", detail: "expected an integer"))
        let inArray = #"{"type":"heartbeat","inFlight":[{"jobID":"j","attempt":1,"trialID":"t","runName":"r"}]}"#
        XCTAssertEqual(
            decodeError(WorkerMessage.self, inArray),
            .missingField(frame: 3, messageType: "heartbeat", field: "inFlight[0].lastEpochReported"))
    }

    func testDecode_unknownOrMissingType_andNonJSON_areReported() {
        XCTAssertEqual(
            decodeError(DaemonMessage.self, #"{"type":"explode"}"#),
            .unknownMessageType(frame: 3, type: "explode", expected: DaemonMessage.messageTypes))
        XCTAssertEqual(decodeError(DaemonMessage.self, #"{"seq":1}"#), .missingMessageType(frame: 3))
        guard case .malformedPayload(frame: 3, _) = decodeError(DaemonMessage.self, "\u{1}garbage") else {
            return XCTFail("garbage must be a malformed payload")
        }
        guard case .malformedPayload(frame: 3, _) = decodeError(DaemonMessage.self, "[1,2]") else {
            return XCTFail("an array must be a malformed payload")
        }
        guard case .malformedPayload(frame: 3, _) = decodeError(DaemonMessage.self, "") else {
            return XCTFail("an empty frame must be a malformed payload")
        }
    }

    func testDecode_workerMessageOnControlSocket_isUnknownType() {
        let hello = #"{"type":"hello"}"#
        guard
            case .unknownMessageType(frame: 1, type: "hello", _) = decodeError(
                ControlRequest.self, hello, frame: 1)
        else {
            return XCTFail("hello is not a control request")
        }
    }

    func testEncode_nonFiniteMetric_isUnencodableNotACrash() {
        let message = WorkerMessage.epochProgress(
            .init(
                jobID: "j", attempt: 1, trialID: "t", runName: "r",
                record: EpochRecord(epoch: 1, validationAccuracy: .nan), seq: 1))
        XCTAssertThrowsError(try codec.encodeFrame(message)) { error in
            guard case .unencodable(messageType: "epochProgress", _) = error as? ProtocolError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testEncodeFrame_payloadOverTheLimit_isRefusedBySender() {
        let small = MessageCodec(maximumFrameSize: 16)
        let message = WorkerMessage.log(.init(jobID: "j", trialID: "t", runName: "r", lines: ["a long line"]))
        XCTAssertThrowsError(try small.encodeFrame(message)) { error in
            guard case .payloadTooLarge(_, limit: 16) = error as? ProtocolError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testRefusal_versionMismatch_namesBothVersions() {
        let refusal = DaemonMessage.Refusal.versionMismatch(
            daemon: 1, worker: 2, daemonVersion: "0.1.0", workerVersion: "0.2.0")
        XCTAssertEqual(refusal.code, .versionMismatch)
        XCTAssertTrue(refusal.message.contains("protocol 1"), refusal.message)
        XCTAssertTrue(refusal.message.contains("speaks 2"), refusal.message)
        XCTAssertEqual(refusal.workerProtocolVersion, 2)
        XCTAssertFalse(DaemonMessage.Refusal.badToken(workerProtocolVersion: 1).message.contains("s3cret"))
    }

    func testSequenceNumber_isPresentOnAcknowledgedReportsOnly() {
        let numbered = MessageFixtures.workerMessages.filter { $0.sequenceNumber != nil }.map(\.kind)
        XCTAssertEqual(Set(numbered), [.epochProgress, .complete, .fail])
    }
}
