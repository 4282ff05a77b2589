import NASCore
import NASWorker
import XCTest

final class TrainerLineChannelTests: XCTestCase {
    func testRecord_readsAnEpochLineWithExtraMetrics() throws {
        let record = try TrainerLineChannel.record(
            fromLine: #"NASD_EPOCH {"epoch":3,"val_acc":0.71,"train_loss":0.52,"note":"ok"}"# + "\r\n")
        XCTAssertEqual(record, EpochRecord(epoch: 3, validationAccuracy: 0.71, metrics: ["train_loss": 0.52]))
    }

    func testRecord_otherLinesAreLogOutput() throws {
        for line in ["epoch 3 done", "", "NASD_EPOCHS {\"epoch\":1}", "  NASD_EPOCH {\"epoch\":1,\"val_acc\":0.1}"] {
            XCTAssertNil(try TrainerLineChannel.record(fromLine: line), line)
        }
    }

    func testRecord_malformedEpochLines_areTypedErrors() {
        let lines = [
            "NASD_EPOCH {\"epoch\":3}",
            "NASD_EPOCH {\"epoch\":0,\"val_acc\":0.5}",
            "NASD_EPOCH {\"epoch\":3,\"val_acc\":1.5}",
            "NASD_EPOCH {\"epoch\":\"3\",\"val_acc\":0.5}",
            "NASD_EPOCH epoch=3",
        ]
        for line in lines {
            XCTAssertThrowsError(try TrainerLineChannel.record(fromLine: line), line) { error in
                guard case TrainerError.malformedEpochLine(let named, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(named, line)
            }
        }
    }

    func testLine_roundTripsThroughRecord() throws {
        let record = EpochRecord(epoch: 7, validationAccuracy: 0.625, metrics: ["learning_rate": 0.01])
        let line = try TrainerLineChannel.line(for: record)
        XCTAssertTrue(line.hasPrefix("NASD_EPOCH {"), line)
        XCTAssertEqual(try TrainerLineChannel.record(fromLine: line), record)
    }

    func testReader_ignoresStaleEpochs_andRejectsEpochsPastTheBudget() throws {
        let spec = TrialSpec(
            trialID: "t", runName: "r", architecture: try Architecture(notation: "[SM(10)]"), hyperparameters: [:],
            seed: 1, epochBudget: 5, startEpoch: 2, checkpointDirectory: "/tmp/c")
        var reader = TrainerLineChannel.Reader(spec: spec)
        var accepted: [Int] = []
        for line in (1...4).map({ "NASD_EPOCH {\"epoch\":\($0),\"val_acc\":0.5}" }) + ["loss 0.3"] {
            if let record = try reader.read(line: line) { accepted.append(record.epoch) }
        }
        XCTAssertEqual(accepted, [3, 4])
        XCTAssertNil(try reader.read(line: "NASD_EPOCH {\"epoch\":4,\"val_acc\":0.6}"))
        XCTAssertEqual(reader.lastEpoch, 4)
        XCTAssertThrowsError(try reader.read(line: "NASD_EPOCH {\"epoch\":6,\"val_acc\":0.6}"))
    }

    func testEnvironment_carriesTheSpecPathAndScalarFields() throws {
        let spec = TrialSpec(
            trialID: "t-9", runName: "demo", architecture: try Architecture(notation: "[C(64,3,1), SM(10)]"),
            hyperparameters: ["learning_rate": 0.1], seed: 18_446_744_073_709_551_615, epochBudget: 20, startEpoch: 4,
            checkpointDirectory: "/ckpt/t-9")
        let variables = TrainerEnvironment.variables(for: spec, specPath: "/ckpt/t-9/spec.json")
        XCTAssertEqual(variables["NASD_TRIAL_SPEC"], "/ckpt/t-9/spec.json")
        XCTAssertEqual(variables["NASD_TRIAL_ID"], "t-9")
        XCTAssertEqual(variables["NASD_RUN"], "demo")
        XCTAssertEqual(variables["NASD_ARCH"], "[C(64,3,1), SM(10)]")
        XCTAssertEqual(variables["NASD_SEED"], "18446744073709551615")
        XCTAssertEqual(variables["NASD_BUDGET"], "20")
        XCTAssertEqual(variables["NASD_START_EPOCH"], "4")
        XCTAssertEqual(variables["NASD_CHECKPOINT_DIR"], "/ckpt/t-9")
        XCTAssertEqual(variables["NASD_PROTOCOL"], "1")
    }
}
