import Foundation
import NASCore
import NASTestSupport
import NASWorker
import XCTest

/// Replays the original MetaQNN log (`metaqnn-replay/replay_database.csv`) turned into curves.
final class ReplayMetaQNNLogTests: XCTestCase {
    /// One curve record per real row (synthetic rows with accuracy above 1 dropped): the last
    /// validation accuracy as a one-point curve, with the row number as its id.
    private func metaQNNRecords() throws -> [CurveRecord] {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var records: [CurveRecord] = []
        for (row, line) in text.split(whereSeparator: \.isNewline).dropFirst().enumerated() {
            // The notation is quoted when it contains commas (`"[C(64,3,1), SM(10)]"`), bare otherwise.
            let notation: String
            let rest: Substring
            if line.first == "\"", let close = line.dropFirst().firstIndex(of: "\"") {
                notation = String(line[line.index(after: line.startIndex)..<close])
                rest = line[line.index(after: close)...]
            } else if let comma = line.firstIndex(of: ",") {
                notation = String(line[..<comma])
                rest = line[comma...]
            } else {
                XCTFail("unexpected row \(row): \(line)")
                continue
            }
            let columns = rest.split(separator: ",")
            guard columns.count >= 3, let best = Double(columns[0]), let last = Double(columns[2]) else {
                XCTFail("unexpected columns in row \(row): \(line)")
                continue
            }
            guard best <= 1 else { continue }
            records.append(
                CurveRecord(
                    network: .notation(try Architecture(notation: notation)), curve: [last], id: String(row + 1)))
        }
        return records
    }

    func testReplay_servesTheFirstRowOfEveryCanonicalNetworkInTheLog() async throws {
        let records = try metaQNNRecords()
        XCTAssertEqual(records.count, 1910)
        var firstByCanonical: [String: CurveRecord] = [:]
        for record in records {
            guard let architecture = record.network.architecture else { continue }
            if firstByCanonical[architecture.canonicalNotation] == nil {
                firstByCanonical[architecture.canonicalNotation] = record
            }
        }
        let replay = ReplayTrainer(records: records, source: "replay_database.csv")
        XCTAssertEqual(replay.networkCount, firstByCanonical.count)
        XCTAssertLessThan(replay.networkCount, records.count, "the log has duplicates")
        for record in records {
            guard let architecture = record.network.architecture else { continue }
            let expected = firstByCanonical[architecture.canonicalNotation]
            let spec = TrialSpec(
                trialID: record.id ?? "", runName: "metaqnn", architecture: architecture, hyperparameters: [:],
                seed: 0, epochBudget: 1, startEpoch: 0, checkpointDirectory: "/tmp/unused")
            let (result, reported) = await runTrainer(replay, spec)
            XCTAssertEqual(try result.get(), TrainingOutcome(ending: .budgetReached, lastEpoch: 1))
            XCTAssertEqual(reported.map(\.validationAccuracy), expected?.curve, "row \(record.id ?? "?")")
        }
    }

    func testCurvesFile_roundTripsTheWholeLog() throws {
        let records = try metaQNNRecords()
        let text = try CurvesFile.format(records)
        XCTAssertEqual(try CurvesFile.parse(text), records)
    }
}
