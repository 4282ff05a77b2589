import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// Property tests: every mutation of every space is a legal network of that space, different
/// from its parent.
final class MutationLegalityTests: XCTestCase {
    func testMetaQNNMutations_areLegalTrajectories_withinTheLimits_andUseAllThreeMoves() throws {
        var configuration = MetaQNNSpace.Configuration.svhn
        configuration.constraints = ArchitectureConstraints(maxParameters: 3_000_000)
        let space = try MetaQNNSpace(configuration: configuration)
        var generator = SeededGenerator(seed: 5)
        var lengthChanges = Set<Int>()
        var network = try space.sampleNetwork(using: &generator)
        for step in 0..<400 {
            if step % 20 == 0 { network = try space.sampleNetwork(using: &generator) }
            let child = try space.mutateNetwork(network, using: &generator)
            let architecture = try XCTUnwrap(child.architecture)
            let parent = try XCTUnwrap(network.architecture)
            XCTAssertNoThrow(try space.trajectory(of: architecture), "illegal: \(architecture)")
            XCTAssertLessThanOrEqual(architecture.layers.count - 1, configuration.maxDepth)
            let analysis = try architecture.analyze(input: configuration.inputShape)
            XCTAssertTrue(configuration.constraints.admits(analysis), "\(architecture): \(analysis.parameters)")
            XCTAssertNotEqual(child.canonicalNotation, network.canonicalNotation)
            lengthChanges.insert(architecture.layers.count - parent.canonical.layers.count)
            network = child
        }
        XCTAssertEqual(lengthChanges, [-1, 0, 1], "change, insert and remove must all occur")
    }

    func testMetaQNNMutation_ofAForeignNetwork_isATypedError() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        var generator = SeededGenerator(seed: 1)
        let foreign = Network.sequential(try Architecture(notation: "[C(7,3,1), SM(10)]"))
        XCTAssertThrowsError(try space.mutateNetwork(foreign, using: &generator)) { error in
            guard case StrategyError.mutationFailed = error else { return XCTFail("\(error)") }
        }
        let cell = Network.nb201(try NASBench201Cell(operations: Array(repeating: .none, count: 6)))
        XCTAssertThrowsError(try space.mutateNetwork(cell, using: &generator))
    }

    func testCellMutations_areValidPrunedCells_withinSevenVerticesAndNineEdges() throws {
        let space = try CellSpace()
        var generator = SeededGenerator(seed: 8)
        var network = try space.sampleNetwork(using: &generator)
        var vertexCounts = Set<Int>()
        var sameShapeChanges = 0
        for step in 0..<150 {
            if step % 25 == 0 { network = try space.sampleNetwork(using: &generator) }
            let child = try space.mutateNetwork(network, using: &generator)
            let cell = try XCTUnwrap(child.cell)
            XCTAssertEqual(try space.validated(cell), cell, "a mutation is pruned and within the limits")
            XCTAssertLessThanOrEqual(cell.vertexCount, 7)
            XCTAssertLessThanOrEqual(cell.edgeCount, 9)
            XCTAssertNotEqual(try cell.canonicalNotation(), network.canonicalNotation)
            if let parent = network.cell, parent.adjacency == cell.adjacency { sameShapeChanges += 1 }
            vertexCounts.insert(cell.vertexCount)
            network = child
        }
        XCTAssertGreaterThan(sameShapeChanges, 15, "op changes keep the graph")
        XCTAssertGreaterThan(vertexCounts.count, 2, "edge flips grow and shrink cells")
    }

    func testCellMutation_escapesACellWithNoSingleEditNeighbour() throws {
        var configuration = CellSpace.Configuration()
        configuration.maxSamplingAttempts = 300
        let space = try CellSpace(configuration: configuration)
        var generator = SeededGenerator(seed: 3)
        let bare = try Cell(notation: "input,output;0>1")
        let child = try space.mutate(bare, using: &generator)
        XCTAssertGreaterThan(child.vertexCount, 2)
        XCTAssertEqual(try space.validated(child), child)
    }

    func testNASBench201Mutations_changeOneEdge_throughTheProtocol() throws {
        let space: any MutableSpace = try NASBench201Space()
        var generator = SeededGenerator(seed: 2)
        var network = try space.sampleNetwork(using: &generator)
        for _ in 0..<200 {
            let child = try space.mutateNetwork(network, using: &generator)
            let (parent, cell) = (try XCTUnwrap(network.nb201Cell), try XCTUnwrap(child.nb201Cell))
            XCTAssertEqual(zip(parent.operations, cell.operations).filter { $0 != $1 }.count, 1)
            network = child
        }
    }
}
