import NASCore
import XCTest

final class BlockSpaceTests: XCTestCase {
    private let ratios: Set<Double> = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0]

    func testSampleBlock_obeysPeepholeLimits_andStartsWithAConvolution() throws {
        let space = try BlockSpace()
        var generator = SplitMix64(seed: 2017)
        var kindsSeen = Set<String>()
        var maxConvolutions = 0
        var longest = 0
        for _ in 0..<5000 {
            let block = space.sampleBlock(using: &generator)
            XCTAssertLessThanOrEqual(block.elements.count, 10)
            XCTAssertLessThan(block.convolutionCount, 4)
            guard case .convolution(let kernel, let ratio)? = block.elements.first else {
                return XCTFail("block does not start with a convolution: \(block)")
            }
            XCTAssertTrue((1...5).contains(kernel))
            XCTAssertTrue(ratios.contains(ratio))
            for (index, element) in block.elements.enumerated() {
                kindsSeen.insert(String(describing: element).prefix { $0 != "(" }.description)
                switch element {
                case .batchNorm:
                    guard index > 0, case .convolution = block.elements[index - 1] else {
                        return XCTFail("BN not right after a convolution: \(block)")
                    }
                case .maxPool(let kernel), .avgPool(let kernel):
                    XCTAssertTrue((2...5).contains(kernel))
                case .relu, .sigmoid, .tanh:
                    // The default chain never stacks two activations.
                    if index > 0 {
                        XCTAssertFalse([Block.Element.relu, .sigmoid, .tanh].contains(block.elements[index - 1]))
                    }
                case .convolution(let kernel, let ratio):
                    XCTAssertTrue((1...5).contains(kernel))
                    XCTAssertTrue(ratios.contains(ratio))
                }
            }
            maxConvolutions = max(maxConvolutions, block.convolutionCount)
            longest = max(longest, block.elements.count)
        }
        XCTAssertEqual(kindsSeen, ["convolution", "batchNorm", "maxPool", "avgPool", "relu", "sigmoid", "tanh"])
        XCTAssertEqual(maxConvolutions, 3)
        XCTAssertGreaterThanOrEqual(longest, 8)
    }

    func testSampleBlock_insertsBatchNormAfterAboutSixtyPercentOfConvolutions() throws {
        let space = try BlockSpace()
        var generator = SplitMix64(seed: 60)
        var convolutions = 0
        var followedByBN = 0
        for _ in 0..<5000 {
            let elements = space.sampleBlock(using: &generator).elements
            for index in elements.indices where index + 1 < 10 {
                guard case .convolution = elements[index] else { continue }
                convolutions += 1
                if index + 1 < elements.count, elements[index + 1] == .batchNorm { followedByBN += 1 }
            }
        }
        // Binomial standard error at n ≈ 8000 is about 0.0055; allow 4 of them.
        XCTAssertEqual(Double(followedByBN) / Double(convolutions), 0.6, accuracy: 0.022)
    }

    func testSampleBlock_zeroBatchNormProbability_neverInsertsBN() throws {
        var configuration = BlockSpace.Configuration()
        configuration.batchNormProbability = 0
        let space = try BlockSpace(configuration: configuration)
        var generator = SplitMix64(seed: 3)
        for _ in 0..<500 {
            XCTAssertFalse(space.sampleBlock(using: &generator).elements.contains(.batchNorm))
        }
    }

    func testSampleBlock_followsACustomTransitionMatrix() throws {
        // Conv → ReLU → end, always.
        var rows = Array(repeating: [0, 0, 0, 0, 0, 0, 1.0], count: 6)
        rows[BlockLayerKind.convolution.rawValue] = [0, 0, 0, 1, 0, 0, 0]
        var configuration = BlockSpace.Configuration()
        configuration.transitions = try BlockTransitionMatrix(rows: rows)
        configuration.batchNormProbability = 0
        let space = try BlockSpace(configuration: configuration)
        var generator = SplitMix64(seed: 4)
        for _ in 0..<200 {
            let elements = space.sampleBlock(using: &generator).elements
            XCTAssertEqual(elements.count, 2)
            XCTAssertEqual(elements.last, .relu)
        }
    }

    func testTransitionMatrix_defaultIsValid_andBadRowsAreRejected() throws {
        XCTAssertEqual(try BlockTransitionMatrix(rows: BlockTransitionMatrix.default.rows), .default)
        XCTAssertEqual(BlockTransitionMatrix.default.probability(from: .convolution, to: .relu), 0.55)
        XCTAssertEqual(BlockTransitionMatrix.default.probability(from: .relu, to: nil), 0.25)
        var rows = BlockTransitionMatrix.default.rows
        rows[2][0] = 0.9
        XCTAssertThrowsError(try BlockTransitionMatrix(rows: rows)) { error in
            guard case .notADistribution(let row, _)? = (error as? SpaceConfigurationError)?.problem else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(row, 2)
        }
        XCTAssertThrowsError(try BlockTransitionMatrix(rows: Array(rows.prefix(5))))
    }

    func testArchitecture_threeStagesOfCopies_adaptsChannelsWithOneByOneConvolutions() throws {
        let space = try BlockSpace()
        let block = Block(elements: [
            .convolution(kernel: 3, channelRatio: 2.0), .batchNorm, .relu, .maxPool(kernel: 3),
        ])
        let architecture = space.architecture(for: block, copiesPerStage: 2)
        XCTAssertEqual(
            architecture.notation,
            "[C(16,1,1), C(32,3,1), BN, RELU, P(3,1), C(16,1,1), C(32,3,1), BN, RELU, P(3,1), P(2,2), "
                + "C(64,3,1), BN, RELU, P(3,1), C(32,1,1), C(64,3,1), BN, RELU, P(3,1), P(2,2), "
                + "C(128,3,1), BN, RELU, P(3,1), C(64,1,1), C(128,3,1), BN, RELU, P(3,1), P(2,2), GAP, SM(10)]")
        let analysis = try architecture.analyze(input: .cifar)
        XCTAssertEqual(analysis.layers.last?.input, TensorShape(channels: 128, height: 1, width: 1))
    }

    func testArchitecture_matchingChannels_insertNoAdaptation() throws {
        let space = try BlockSpace()
        let block = Block(elements: [.convolution(kernel: 1, channelRatio: 1.0), .tanh])
        let layers = space.architecture(for: block, copiesPerStage: 3).layers
        let oneByOne = layers.filter { $0 == .convolution(filters: $0.filtersIfConvolution, kernel: 1, stride: 1) }
        // Input 3 → 16, then 16 → 32 and 32 → 64 at the stage boundaries; block copies keep channels.
        XCTAssertEqual(oneByOne.count, 3 + 9)
        XCTAssertEqual(layers.filter { $0 == .tanh }.count, 9)
    }

    func testSample_everyNetworkPassesShapeInference_andHasTheSkeleton() throws {
        let space = try BlockSpace()
        var generator = SplitMix64(seed: 11)
        for _ in 0..<1000 {
            let architecture = try space.sample(using: &generator)
            XCTAssertNoThrow(try architecture.analyze(input: .cifar), architecture.notation)
            let layers = architecture.layers
            XCTAssertEqual(layers.suffix(2), [.globalAveragePool, .softmax(classes: 10)])
            XCTAssertEqual(layers.filter { $0 == .maxPool(kernel: 2, stride: 2) }.count, 3)
        }
    }

    func testSample_mnistInput_poolsFitTheSmallestStage() throws {
        var configuration = BlockSpace.Configuration()
        configuration.input = TensorShape(channels: 1, height: 12, width: 12)
        let space = try BlockSpace(configuration: configuration)
        XCTAssertEqual(configuration.stageResolutions, [12, 6, 3, 1])
        XCTAssertEqual(space.admissiblePoolKernels, [2, 3])
        var generator = SplitMix64(seed: 5)
        for _ in 0..<500 {
            let architecture = try space.sample(using: &generator)
            XCTAssertNoThrow(try architecture.analyze(input: configuration.input), architecture.notation)
        }
    }

    func testSample_underConstraints_neverProposesANetworkOverTheLimit() throws {
        var configuration = BlockSpace.Configuration()
        configuration.constraints = ArchitectureConstraints(maxParameters: 100_000, maxMACs: 20_000_000)
        let space = try BlockSpace(configuration: configuration)
        var generator = SplitMix64(seed: 9)
        for _ in 0..<200 {
            let analysis = try space.sample(using: &generator).analyze(input: .cifar)
            XCTAssertLessThanOrEqual(analysis.parameters, 100_000)
            XCTAssertLessThanOrEqual(analysis.macs, 20_000_000)
        }
    }

    func testSample_impossibleConstraints_throwAfterBoundedAttempts() throws {
        var configuration = BlockSpace.Configuration()
        configuration.constraints = ArchitectureConstraints(maxParameters: 10)
        configuration.maxSamplingAttempts = 50
        let space = try BlockSpace(configuration: configuration)
        var generator = SplitMix64(seed: 9)
        XCTAssertThrowsError(try space.sample(using: &generator)) { error in
            guard
                case .noArchitectureWithinConstraints(let name, let attempts, let smallest, _)? =
                    error as? SpaceSamplingError
            else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(name, "block")
            XCTAssertEqual(attempts, 50)
            XCTAssertGreaterThan(smallest, 10)
        }
    }

    func testSample_sameSeed_givesSameNetworks() throws {
        let space = try BlockSpace()
        func draw(seed: UInt64) throws -> [String] {
            var generator = SplitMix64(seed: seed)
            return try (0..<100).map { _ in try space.sample(using: &generator).notation }
        }
        XCTAssertEqual(try draw(seed: 42), try draw(seed: 42))
        XCTAssertNotEqual(try draw(seed: 42), try draw(seed: 43))
    }

    func testConfiguration_inputTooSmallForTheSkeleton_isRejected() {
        var configuration = BlockSpace.Configuration()
        configuration.input = TensorShape(channels: 3, height: 4, width: 4)
        XCTAssertThrowsError(try BlockSpace(configuration: configuration)) { error in
            XCTAssertEqual((error as? SpaceConfigurationError)?.space, "block")
        }
    }
}

extension Layer {
    /// The filters of a convolution, or -1, so tests can match any 1×1 convolution.
    fileprivate var filtersIfConvolution: Int {
        if case .convolution(let filters, _, _) = self { return filters }
        return -1
    }
}
