import NASCore
import NASTestSupport
import XCTest

final class MetaQNNSpaceTests: XCTestCase {
    // MARK: - Property test: every rule of Baker et al. 2017 and the original code

    func testSample_tenThousandNetworks_everyRuleHolds() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        var generator = SplitMix64(seed: 2017)
        var lengths = Set<Int>()
        var sawKinds = Set<String>()
        for _ in 0..<10_000 {
            let trajectory = space.sampleTrajectory(using: &generator)
            let architecture = space.architecture(of: trajectory)
            assertObeysMetaQNNRules(architecture, configuration: space.configuration)
            XCTAssertEqual(try space.trajectory(of: architecture), trajectory)
            lengths.insert(architecture.layers.count)
            for layer in architecture.layers { sawKinds.insert(kind(of: layer)) }
        }
        // The walk really explores: every layer kind occurs and networks of many lengths appear.
        XCTAssertEqual(sawKinds, ["C", "P", "FC", "GAP", "SM"])
        XCTAssertGreaterThan(lengths.count, 8)
    }

    func testSample_svhnConfiguration_neverExceedsTwelveLayers() throws {
        let space = try MetaQNNSpace(configuration: .svhn)
        var generator = SplitMix64(seed: 12)
        var longest = 0
        for _ in 0..<3000 {
            let architecture = try space.sample(using: &generator)
            assertObeysMetaQNNRules(architecture, configuration: space.configuration)
            longest = max(longest, architecture.layers.count - 1)
        }
        XCTAssertLessThanOrEqual(longest, 12)
        XCTAssertGreaterThan(longest, 6)
    }

    /// An independent statement of the rules, checked layer by layer (not via `legalActions`).
    private func assertObeysMetaQNNRules(
        _ architecture: Architecture, configuration c: MetaQNNSpace.Configuration,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let layers = architecture.layers
        let notation = layers.map { kind(of: $0) }.joined(separator: ",")
        XCTAssertEqual(layers.last, .softmax(classes: c.classes), notation, file: file, line: line)
        XCTAssertLessThanOrEqual(layers.count - 1, c.maxDepth, "layer limit: \(notation)", file: file, line: line)
        func bin(_ r: Int) -> Int { r > 7 ? 8 : (r > 3 ? 4 : 1) }
        var size = c.inputSize
        var previous = "start"
        var consecutiveFC = 0
        var lastUnits = Int.max
        for (index, layer) in layers.enumerated() {
            let context = "layer \(index) of \(notation)"
            if previous == "FC" {
                XCTAssertTrue(
                    ["FC", "SM"].contains(kind(of: layer)), "FC → FC or SM: \(context)", file: file, line: line)
            }
            switch layer {
            case .convolution(let filters, let kernel, let stride):
                XCTAssertTrue(["start", "C", "P"].contains(previous), context, file: file, line: line)
                XCTAssertTrue(c.filterCounts.contains(filters), context, file: file, line: line)
                XCTAssertTrue(c.kernelSizes.contains(kernel), context, file: file, line: line)
                XCTAssertEqual(stride, 1, context, file: file, line: line)
                XCTAssertLessThan(kernel, bin(size), "kernel below the size's bin: \(context)", file: file, line: line)
            case .maxPool(let kernel, let stride):
                XCTAssertEqual(previous, "C", "no pool first or after a pool: \(context)", file: file, line: line)
                XCTAssertTrue(
                    c.poolings.contains(.init(kernel: kernel, stride: stride)), context, file: file, line: line)
                XCTAssertLessThan(kernel, bin(size), "pool below the size's bin: \(context)", file: file, line: line)
                size = (size - kernel) / stride + 1
                XCTAssertGreaterThan(size, 0, context, file: file, line: line)
            case .fullyConnected(let units):
                XCTAssertTrue(c.fullyConnectedSizes.contains(units), context, file: file, line: line)
                if previous == "FC" {
                    XCTAssertLessThanOrEqual(
                        units, lastUnits, "FC widths never grow: \(context)", file: file, line: line)
                } else {
                    XCTAssertTrue(["start", "C", "P"].contains(previous), context, file: file, line: line)
                    XCTAssertLessThan(size, 8, "FC only below size 8: \(context)", file: file, line: line)
                }
                consecutiveFC += 1
                lastUnits = units
                XCTAssertLessThanOrEqual(consecutiveFC, 2, "at most 2 FC in a row: \(context)", file: file, line: line)
            case .classifierHead(let classes):
                XCTAssertEqual(classes, c.classes, context, file: file, line: line)
                XCTAssertTrue(
                    ["start", "C", "P"].contains(previous), "GAP after start/C/P: \(context)", file: file, line: line)
                XCTAssertEqual(
                    layers[index + 1], .softmax(classes: c.classes), "GAP only into SM: \(context)",
                    file: file, line: line)
            case .softmax:
                XCTAssertEqual(index, layers.count - 1, "SM ends the network: \(context)", file: file, line: line)
            default:
                XCTFail("layer outside the MetaQNN vocabulary: \(context)", file: file, line: line)
            }
            previous = kind(of: layer)
        }
    }

    private func kind(of layer: Layer) -> String {
        switch layer {
        case .convolution: return "C"
        case .maxPool: return "P"
        case .fullyConnected: return "FC"
        case .classifierHead: return "GAP"
        case .softmax: return "SM"
        default: return "other"
        }
    }

    // MARK: - Determinism

    func testSample_sameSeed_givesSameNetworks_differentSeed_differs() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        func draw(seed: UInt64) throws -> [Architecture] {
            var generator = SplitMix64(seed: seed)
            return try (0..<200).map { _ in try space.sample(using: &generator) }
        }
        XCTAssertEqual(try draw(seed: 7), try draw(seed: 7))
        XCTAssertNotEqual(try draw(seed: 7), try draw(seed: 8))
    }

    // MARK: - Legal actions

    func testLegalActions_fromStart_matchOriginalEnumeration() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let actions = space.legalActions(from: space.startState)
        // Termination, 4 filter counts × 3 kernels, GAP; no pool first; no FC at size 32.
        XCTAssertEqual(actions.count, 1 + 12 + 1)
        XCTAssertTrue(actions[0].isTerminal)
        XCTAssertEqual(actions[0].layerDepth, 1)
        XCTAssertFalse(actions.contains { $0.layerType == .pooling || $0.layerType == .fullyConnected })
    }

    func testLegalActions_atSizeFour_allowFCAndOnlySmallKernels() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let conv = MetaQNNState(
            layerType: .convolution, layerDepth: 5, filterDepth: 64, filterSize: 3, stride: 1, imageSize: 4)
        let actions = space.legalActions(from: conv)
        let kernels = Set(actions.filter { $0.layerType == .convolution && !$0.isTerminal }.map(\.filterSize))
        XCTAssertEqual(kernels, [1, 3])
        let pools = actions.filter { $0.layerType == .pooling }
        XCTAssertEqual(Set(pools.map(\.filterSize)), [3, 2])
        XCTAssertEqual(pools.first { $0.filterSize == 3 }?.imageSize, 1)
        XCTAssertEqual(actions.filter { $0.layerType == .fullyConnected }.map(\.fcSize), [512, 256, 128])
    }

    func testLegalActions_atSizeThree_noConvolutionOrPool() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let conv = MetaQNNState(
            layerType: .convolution, layerDepth: 3, filterDepth: 64, filterSize: 3, stride: 1, imageSize: 3)
        let nonTerminal = space.legalActions(from: conv).filter { !$0.isTerminal }
        XCTAssertEqual(Set(nonTerminal.map(\.layerType)), [.globalAveragePooling, .fullyConnected])
    }

    func testLegalActions_fromFC_onlyNarrowerFCOrTermination_andAtMostTwoInARow() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let first = MetaQNNState(
            layerType: .fullyConnected, layerDepth: 4, imageSize: 0, fcSize: 256, consecutiveFullyConnected: 1)
        let next = space.legalActions(from: first)
        XCTAssertEqual(next.filter { !$0.isTerminal }.map(\.fcSize), [256, 128])
        XCTAssertTrue(next.allSatisfy { $0.isTerminal || $0.consecutiveFullyConnected == 2 })
        var second = first
        second.consecutiveFullyConnected = 2
        XCTAssertEqual(space.legalActions(from: second).map(\.isTerminal), [true])
    }

    func testLegalActions_fromGAP_onlyTermination_andAtLayerLimit_onlyTermination() throws {
        let space = try MetaQNNSpace(configuration: .svhn)
        let gap = MetaQNNState(layerType: .globalAveragePooling, layerDepth: 2, imageSize: 1)
        XCTAssertEqual(space.legalActions(from: gap).map(\.isTerminal), [true])
        let deep = MetaQNNState(
            layerType: .convolution, layerDepth: 12, filterDepth: 64, filterSize: 3, stride: 1, imageSize: 32)
        XCTAssertEqual(space.legalActions(from: deep).map(\.isTerminal), [true])
        var terminal = deep
        terminal.isTerminal = true
        XCTAssertEqual(space.legalActions(from: terminal), [])
    }

    func testBucketed_replacesSizeByBin() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        XCTAssertEqual([32, 8, 7, 4, 3, 1, 0].map { space.representationBin(of: $0) }, [8, 8, 4, 4, 1, 1, 1])
        let state = MetaQNNState(layerType: .pooling, layerDepth: 2, filterSize: 2, stride: 2, imageSize: 16)
        XCTAssertEqual(space.bucketed(state).imageSize, 8)
        XCTAssertEqual(space.bucketed(state).filterSize, 2)
    }

    func testConfiguration_customValueSets_areUsed() throws {
        var configuration = MetaQNNSpace.Configuration()
        configuration.filterCounts = [16]
        configuration.kernelSizes = [3]
        configuration.fullyConnectedSizes = [100]
        configuration.poolings = [.init(kernel: 2, stride: 2)]
        configuration.maxDepth = 4
        configuration.classes = 100
        let space = try MetaQNNSpace(configuration: configuration)
        var generator = SplitMix64(seed: 1)
        for _ in 0..<500 {
            let architecture = try space.sample(using: &generator)
            XCTAssertLessThanOrEqual(architecture.layers.count, 5)
            XCTAssertEqual(architecture.layers.last, .softmax(classes: 100))
            for layer in architecture.layers {
                switch layer {
                case .convolution(let filters, let kernel, _): XCTAssertEqual([filters, kernel], [16, 3])
                case .maxPool(let kernel, let stride): XCTAssertEqual([kernel, stride], [2, 2])
                case .fullyConnected(let units): XCTAssertEqual(units, 100)
                case .classifierHead(let classes): XCTAssertEqual(classes, 100)
                default: break
                }
            }
        }
    }

    func testConfiguration_emptyFilterSet_isRejectedNamingTheParameter() {
        var configuration = MetaQNNSpace.Configuration()
        configuration.filterCounts = []
        XCTAssertThrowsError(try MetaQNNSpace(configuration: configuration)) { error in
            XCTAssertEqual(
                error as? SpaceConfigurationError,
                SpaceConfigurationError(space: "metaqnn", parameter: "filterCounts", problem: .empty))
        }
    }

    // MARK: - Trajectories of recorded networks

    func testTrajectory_rejectsIllegalLayers_namingTheIndex() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        let poolFirst = Architecture(layers: [.maxPool(kernel: 2, stride: 2), .softmax(classes: 10)])
        XCTAssertThrowsError(try space.trajectory(of: poolFirst)) { error in
            guard case .layerNotInSpace(let index, _, _)? = error as? MetaQNNTrajectoryError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(index, 0)
        }
        let growingFC = Architecture(layers: [
            .convolution(filters: 64, kernel: 3, stride: 1), .maxPool(kernel: 5, stride: 3),
            .convolution(filters: 64, kernel: 3, stride: 1), .maxPool(kernel: 3, stride: 2),
            .fullyConnected(units: 128), .fullyConnected(units: 512), .softmax(classes: 10),
        ])
        XCTAssertThrowsError(try space.trajectory(of: growingFC)) { error in
            guard case .layerNotInSpace(let index, _, _)? = error as? MetaQNNTrajectoryError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(index, 5)
        }
        let open = Architecture(layers: [.convolution(filters: 64, kernel: 3, stride: 1)])
        XCTAssertThrowsError(try space.trajectory(of: open)) { error in
            XCTAssertEqual(error as? MetaQNNTrajectoryError, .missingSoftmax)
        }
    }

    func testTrajectory_skipsDropout_carriesRealSizes_andEndsTerminal() throws {
        let space = try MetaQNNSpace(configuration: .svhn)
        let architecture = Architecture(layers: [
            .convolution(filters: 64, kernel: 3, stride: 1), .maxPool(kernel: 2, stride: 2),
            .dropout(index: 1, count: 2), .convolution(filters: 128, kernel: 5, stride: 1),
            .maxPool(kernel: 5, stride: 3), .dropout(index: 2, count: 2), .fullyConnected(units: 512),
            .softmax(classes: 10),
        ])
        let states = try space.trajectory(of: architecture)
        XCTAssertEqual(
            states.map(\.layerType),
            [.start, .convolution, .pooling, .convolution, .pooling, .fullyConnected, .fullyConnected])
        XCTAssertEqual(states.map(\.imageSize), [32, 32, 16, 16, 4, 0, 0])
        XCTAssertEqual(states.last?.isTerminal, true)
        XCTAssertEqual(states.last?.layerDepth, 6)
    }

    // MARK: - Shape inference, constraints, and the original run's networks

    func testSample_everyNetworkPassesShapeInference() throws {
        let space = try MetaQNNSpace(configuration: .cifar10)
        var generator = SplitMix64(seed: 31)
        for _ in 0..<2000 {
            let architecture = try space.sample(using: &generator)
            XCTAssertNoThrow(try architecture.analyze(input: .cifar), architecture.notation)
        }
    }

    func testSample_underConstraints_neverProposesANetworkOverTheLimit() throws {
        var configuration = MetaQNNSpace.Configuration.cifar10
        configuration.constraints = ArchitectureConstraints(maxParameters: 1_000_000, maxMACs: 200_000_000)
        let space = try MetaQNNSpace(configuration: configuration)
        var generator = SplitMix64(seed: 77)
        for _ in 0..<500 {
            let analysis = try space.sample(using: &generator).analyze(input: .cifar)
            XCTAssertLessThanOrEqual(analysis.parameters, 1_000_000)
            XCTAssertLessThanOrEqual(analysis.macs, 200_000_000)
        }
    }

    func testSample_impossibleConstraints_throwTypedErrorAfterBoundedAttempts() throws {
        var configuration = MetaQNNSpace.Configuration.cifar10
        configuration.constraints = ArchitectureConstraints(maxParameters: 100)
        configuration.maxSamplingAttempts = 25
        let space = try MetaQNNSpace(configuration: configuration)
        var generator = SplitMix64(seed: 1)
        XCTAssertThrowsError(try space.sample(using: &generator)) { error in
            guard
                case .noArchitectureWithinConstraints(let name, let attempts, let smallest, _)? =
                    error as? SpaceSamplingError
            else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(name, "metaqnn")
            XCTAssertEqual(attempts, 25)
            XCTAssertGreaterThan(smallest, 100)
        }
    }

    func testTrajectory_everyNetworkOfTheOriginalSVHNRun_isInTheSVHNSpace() throws {
        let url = try TestEnvironment.sharedFile("metaqnn-replay/replay_database.csv")
        let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        let space = try MetaQNNSpace(configuration: .svhn)
        var checked = 0
        for row in rows {
            // net is the first column (quoted when it has commas, e.g. not `[SM(10)]`);
            // accuracy_best_val follows it.
            let line = row.replacingOccurrences(of: "\"", with: "")
            guard let close = line.range(of: "],") else { continue }
            let net = String(line[..<line.index(after: close.lowerBound)])
            let rest = line[close.upperBound...].split(separator: ",")
            guard let accuracy = rest.first.flatMap({ Double($0) }), accuracy <= 1 else { continue }
            let architecture = try Architecture(notation: net)
            let states = try space.trajectory(of: architecture)
            XCTAssertEqual(space.architecture(of: states).canonicalNotation, architecture.canonicalNotation)
            checked += 1
        }
        XCTAssertEqual(checked, 1910)
    }
}
