import Foundation
import NASCore
import XCTest

/// Issue 3, "random search over any space": `nasd run` over a NAS-Bench-101 cell space with the
/// replay trainer, whose curves file holds every cell the space can propose.
final class CellSpaceRunTests: EndToEndTestCase {
    private static let maxTrials = 8

    func testCellSpaceRun_withTheReplayTrainer_trainsDistinctCellsToTheirRecordedAccuracies() async throws {
        let directory = try makeTemporaryDirectory()
        let cells = try Self.everyCell(maxVertices: 4, maxEdges: 5)
        XCTAssertGreaterThan(cells.count, 3 * Self.maxTrials, "the space must hold more cells than the run trains")
        let curves = Self.curvesFile(for: cells)
        let curvesFile = try write(curves.text, to: "cells.jsonl", in: directory)
        let configuration = try write(
            """
            name: cells
            seed: 101
            space:
              kind: cell
              max_nodes: 4
              max_edges: 5
            strategy:
              kind: random
            training:
              epochs: 108
            trainer:
              builtin: replay
              file: \(curvesFile.lastPathComponent)
            end:
              max_trials: \(Self.maxTrials)
            """, to: "cells.yaml", in: directory)
        let state = directory.appendingPathComponent("state")

        let outcome = try await nasd(["run", configuration.path, "--workers", "2"], stateDirectory: state, timeout: 90)
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.contains("run 'cells' finished"), "\(outcome)")

        let status = try await status(of: "cells", in: state)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.failed, 0)
        let trials = try await trials(of: "cells", in: state)
        let trained = trials.filter(\.isTrainedCompletion)
        XCTAssertEqual(trained.count, Self.maxTrials)
        XCTAssertEqual(Set(trained.map(\.canonicalNotation)).count, trained.count, "a cell trained twice")
        XCTAssertEqual(trials.filter { $0.state == "failed" }.map { $0.failureReason ?? "" }, [])
        for trial in trained {
            let network = try Network(notation: trial.notation)
            XCTAssertNotNil(network.cell, "trial \(trial.id) is not a cell: \(trial.notation)")
            XCTAssertEqual(trial.canonicalNotation, network.canonicalNotation)
            let recorded = try XCTUnwrap(curves.finalAccuracy[trial.canonicalNotation], trial.canonicalNotation)
            XCTAssertEqual(trial.finalAccuracy ?? -1, recorded, accuracy: 1e-9, "trial \(trial.id)")
        }
        let best = try XCTUnwrap(status.best)
        XCTAssertEqual(best.accuracy, trained.compactMap(\.finalAccuracy).max() ?? -1, accuracy: 1e-9)
        XCTAssertNotNil(try? Network(notation: best.notation).cell)
    }

    /// Every valid cell `CellSpace.sample` can return for these limits, by canonical notation: all
    /// upper-triangular graphs on `maxVertices` vertices times all interior labellings, pruned and
    /// checked against the limits.
    private static func everyCell(maxVertices n: Int, maxEdges: Int) throws -> [String] {
        var configuration = CellSpace.Configuration()
        configuration.maxVertices = n
        configuration.maxEdges = maxEdges
        let space = try CellSpace(configuration: configuration)
        let slots = (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } }
        let interior = CellOperation.interiorOperations
        var labellings: [[CellOperation]] = [[]]
        for _ in 1..<(n - 1) { labellings = labellings.flatMap { prefix in interior.map { prefix + [$0] } } }
        var cells = Set<String>()
        for mask in 0..<(1 << slots.count) {
            var adjacency = Array(repeating: Array(repeating: false, count: n), count: n)
            for (bit, (i, j)) in slots.enumerated() where mask & (1 << bit) != 0 { adjacency[i][j] = true }
            for labels in labellings {
                let cell = try Cell(operations: [.input] + labels + [.output], adjacency: adjacency)
                guard let valid = try? space.validated(cell) else { continue }
                cells.insert(try valid.canonicalNotation())
            }
        }
        return cells.sorted()
    }

    /// One NAS-Bench-101-style record per cell (`epochs: [4,12,36,108]`, budget 108), each with a
    /// final accuracy no other cell shares.
    private static func curvesFile(for cells: [String]) -> (text: String, finalAccuracy: [String: Double]) {
        var lines: [String] = []
        var finalAccuracy: [String: Double] = [:]
        for (rank, notation) in cells.enumerated() {
            let final = 0.5 + 0.4 * Double(rank) / Double(max(cells.count - 1, 1))
            let curve = [0.5, 0.7, 0.9, 1.0].map { String(format: "%.6f", final * $0) }
            finalAccuracy[notation] = Double(curve[3])
            guard let cell = try? Cell(notation: notation) else { continue }
            let ops = cell.operations.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
            let adjacency = cell.matrix.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
            lines.append(
                "{\"cell\":{\"ops\":[\(ops)],\"adjacency\":[\(adjacency.joined(separator: ","))]},"
                    + "\"curve\":[\(curve.joined(separator: ","))],\"epochs\":[4,12,36,108],\"budget\":108}")
        }
        return (lines.joined(separator: "\n") + "\n", finalAccuracy)
    }
}
