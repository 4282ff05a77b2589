import Foundation
import NASConfig
import NASCore
import NASTestSupport
import XCTest

final class RunConfigurationTests: XCTestCase {
    private func decode(_ yaml: String) throws -> RunConfiguration {
        try RunConfiguration(yaml: yaml, file: "test.yaml")
    }

    private static let minimal = """
        name: minimal
        space: {kind: metaqnn}
        strategy: {kind: metaqnn}
        training: {epochs: 20}
        trainer: {builtin: surrogate}
        """

    // MARK: - Example configurations

    func testExampleConfigurations_parse() throws {
        let folder = TestEnvironment.packageRoot.appendingPathComponent("configs")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        XCTAssertTrue(files.contains("demo.yaml"))
        XCTAssertTrue(files.contains("random.yaml"))
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            XCTAssertNoThrow(try RunConfiguration(yaml: text, file: "configs/\(file)"), file)
        }
    }

    func testDemoConfiguration_isASmallSurrogateMetaQNNSearch() throws {
        let url = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml")
        let demo = try RunConfiguration(yaml: String(contentsOf: url, encoding: .utf8), file: "configs/demo.yaml")
        XCTAssertEqual(demo.name, "demo")
        XCTAssertEqual(demo.seed, 42)
        guard case .metaQNN(let strategy) = demo.strategy else { return XCTFail("expected the metaqnn strategy") }
        // The paper's schedule scaled to 100 networks: half at ε = 1, then steps of 0.1.
        XCTAssertEqual(strategy.totalModels, 100)
        XCTAssertEqual(strategy.epsilonSchedule.first, EpsilonStep(epsilon: 1.0, models: 50))
        XCTAssertEqual(strategy.epsilonSchedule.map(\.epsilon), [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
        let stopping = try XCTUnwrap(demo.earlyStopping, "the demo runs with SRM early stopping")
        XCTAssertEqual(stopping.burnIn, 20, "burn-in scaled to the 100 networks (the paper: 100 of 1,500)")
        XCTAssertEqual(stopping.minEpochs, 3)
        let prior = try XCTUnwrap(demo.prior, "the demo runs with the Peephole prior")
        XCTAssertEqual(prior.kind, .peephole)
        XCTAssertEqual(prior.trainAfter, 20, "train_after scaled to the 100 networks")
        XCTAssertFalse(prior.rewardVetoed)
        guard case .metaQNN(let space) = demo.space.kind else { return XCTFail("expected a metaqnn space") }
        XCTAssertEqual(space.maxDepth, 8)
        XCTAssertEqual(space.filters, [32, 64, 128])
        XCTAssertEqual(demo.space.limits.maxParameters, 5_000_000)
        XCTAssertEqual(demo.training.epochs, 12)
        XCTAssertEqual(demo.training.hyperparameters["weight_decay"], 0.0001)
        XCTAssertEqual(demo.trainer, .surrogate(epochDelay: .milliseconds(50)))
        XCTAssertNil(demo.end.maxTrials, "the schedule ends the run")
        XCTAssertEqual(demo.trial.noProgressTimeout, .seconds(30))
    }

    // MARK: - Defaults

    func testMinimalConfiguration_takesThePapersDefaults() throws {
        let configuration = try decode(Self.minimal)
        XCTAssertEqual(configuration.seed, 0)
        XCTAssertEqual(configuration.description, "")
        XCTAssertEqual(configuration.priority, 1)
        XCTAssertEqual(configuration.space.kind, .metaQNN(MetaQNNSpaceOptions()))
        XCTAssertEqual(configuration.space.limits, ResourceLimits())
        guard case .metaQNN(let space) = configuration.space.kind,
            case .metaQNN(let strategy) = configuration.strategy
        else { return XCTFail("expected metaqnn space and strategy") }
        XCTAssertEqual(space.filters, [64, 128, 256, 512])
        XCTAssertEqual(space.kernels, [1, 3, 5])
        XCTAssertEqual(
            space.pools,
            [
                PoolShape(kernel: 5, stride: 3), PoolShape(kernel: 3, stride: 2),
                PoolShape(kernel: 2, stride: 2),
            ])
        XCTAssertEqual(space.fullyConnectedSizes, [512, 256, 128])
        XCTAssertEqual(space.maxConsecutiveFullyConnected, 2)
        XCTAssertEqual(space.sizeBins, [8, 4, 1])
        XCTAssertEqual(strategy.learningRate, 0.01)
        XCTAssertEqual(strategy.discount, 1.0)
        XCTAssertEqual(strategy.initialQ, 0.5)
        XCTAssertEqual(strategy.replayBatch, 128)
        XCTAssertEqual(strategy.epsilonSchedule.map(\.epsilon), [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
        XCTAssertEqual(strategy.totalModels, 2_700, "MetaQNN trained 2,700 models")
        XCTAssertEqual(configuration.training.input, .cifar)
        XCTAssertEqual(configuration.training.hyperparameters, [:])
        XCTAssertEqual(configuration.trainer, .surrogate(epochDelay: .zero))
        XCTAssertTrue(configuration.end.isEmpty)
        XCTAssertEqual(configuration.trial, TrialLimits(maxAttempts: 3, timeout: nil, noProgressTimeout: nil))
        XCTAssertNil(configuration.earlyStopping)
        XCTAssertNil(configuration.prior)
    }

    // MARK: - Every section

    func testFullConfiguration_decodesEverySection() throws {
        let configuration = try decode(
            """
            ---
            name: full_run-1.2
            description: "every section"
            seed: 123456789
            space:
              kind: metaqnn
              filters: [16, 32]
              kernels: [3]
              strides: [1, 2]
              pools:
                - [3, 2]
              fc_sizes: [64]
              max_depth: 18
              max_consecutive_fc: 1
              size_bins: [16, 4]
              input: [1, 28, 28]
              classes: 100
              limits: {max_params: 1e7, max_flops: 2000000000}
            strategy:
              kind: metaqnn
              epsilon_schedule:
                - {epsilon: 1, models: 5}
                - epsilon: .5
                  models: 3
              learning_rate: 0.1
              discount: 0.9
              initial_q: 0
              replay_batch: 0
            training:
              epochs: 12
              hyperparameters: {learning_rate: 1e-3, batch_size: 128}
            trainer:
              command: [python3, train.py, --lr, 0.1]
              env: {OMP_NUM_THREADS: 4, MODE: fast}
              workdir: /srv/trainer
            end:
              max_trials: 100
              max_epochs: 1000
              deadline: 2025-06-01T18:00:00+02:00
              target_accuracy: 0.95
            trial:
              max_attempts: 5
              timeout: 1h30m
              no_progress_timeout: 90
            priority: 2.5
            early_stopping:
              kind: srm
              margin: 0.05
              confidence: 0.95
              burn_in: 50
              compare_to_nth: 3
              min_epochs: 4
            prior: {kind: rnas, veto_quantile: 0.25, train_after: 40}
            """)
        XCTAssertEqual(configuration.name, "full_run-1.2")
        XCTAssertEqual(configuration.description, "every section")
        XCTAssertEqual(configuration.seed, 123_456_789)
        XCTAssertEqual(
            configuration.space,
            SearchSpaceConfiguration(
                kind: .metaQNN(
                    MetaQNNSpaceOptions(
                        filters: [16, 32], kernels: [3], strides: [1, 2], pools: [PoolShape(kernel: 3, stride: 2)],
                        fullyConnectedSizes: [64], maxDepth: 18, maxConsecutiveFullyConnected: 1, sizeBins: [16, 4],
                        input: TensorShape(channels: 1, height: 28, width: 28), classes: 100)),
                limits: ResourceLimits(maxParameters: 10_000_000, maxFLOPs: 2_000_000_000)))
        XCTAssertEqual(
            configuration.strategy,
            .metaQNN(
                MetaQNNStrategyOptions(
                    epsilonSchedule: [EpsilonStep(epsilon: 1, models: 5), EpsilonStep(epsilon: 0.5, models: 3)],
                    learningRate: 0.1, discount: 0.9, initialQ: 0, replayBatch: 0)))
        XCTAssertEqual(
            configuration.training,
            TrainingConfiguration(
                epochs: 12, hyperparameters: ["learning_rate": 0.001, "batch_size": 128],
                input: TensorShape(channels: 1, height: 28, width: 28)))
        XCTAssertEqual(
            configuration.trainer,
            .command(
                TrainerCommand(
                    arguments: ["python3", "train.py", "--lr", "0.1"],
                    environment: ["OMP_NUM_THREADS": "4", "MODE": "fast"], workingDirectory: "/srv/trainer")))
        XCTAssertEqual(configuration.end.maxTrials, 100)
        XCTAssertEqual(configuration.end.maxEpochs, 1_000)
        XCTAssertEqual(configuration.end.deadline, .at(Date(timeIntervalSince1970: 1_748_793_600)))
        XCTAssertEqual(configuration.end.targetAccuracy, 0.95)
        XCTAssertEqual(
            configuration.trial,
            TrialLimits(
                maxAttempts: 5, timeout: .seconds(5_400),
                noProgressTimeout: .seconds(90)))
        XCTAssertEqual(configuration.priority, 2.5)
        XCTAssertEqual(
            configuration.earlyStopping,
            EarlyStoppingConfiguration(
                kind: .srm, margin: 0.05, confidence: 0.95, burnIn: 50, compareToNth: 3,
                minEpochs: 4))
        XCTAssertEqual(configuration.prior, PriorConfiguration(kind: .rnas, vetoRule: .quantile(0.25), trainAfter: 40))
    }

    func testUnderscoredIntegers_areStrings_andRejectedWhereANumberIsExpected() {
        XCTAssertThrowsError(try decode(Self.minimal + "\nend: {max_epochs: 1_000}\n")) { error in
            XCTAssertEqual(
                (error as? ConfigError)?.description,
                "test.yaml:6:19: error: end.max_epochs: expected an integer ≥ 1, found '1_000'")
        }
    }

    func testBlockSpace_normalisesTransitionRows() throws {
        let configuration = try decode(
            """
            name: blocks
            space:
              kind: blocks
              transition:
                conv: {relu: 3, maxpool: 1}
                relu: {conv: 1}
              bn_probability: 0.5
              channel_ratios: [0.5, 1, 2]
              max_block_copies: 2
            strategy: {kind: evolution, population: 20, sample_size: 5, cycles: 200, predictor: peephole}
            training: {epochs: 8}
            trainer: {builtin: replay, file: curves.jsonl}
            """)
        guard case .blocks(let options) = configuration.space.kind else { return XCTFail("expected blocks") }
        XCTAssertEqual(options.transition?[.conv]?[.relu], 0.75)
        XCTAssertEqual(options.transition?[.conv]?[.maxpool], 0.25)
        XCTAssertEqual(options.transition?[.relu]?[.conv], 1)
        XCTAssertNil(options.transition?[.tanh])
        XCTAssertEqual(options.batchNormProbability, 0.5)
        XCTAssertEqual(options.channelRatios, [0.5, 1, 2])
        XCTAssertEqual(options.maxBlockLayers, 10)
        XCTAssertEqual(options.maxBlockConvolutions, 3)
        XCTAssertEqual(options.maxBlockCopies, 2)
        XCTAssertEqual(
            configuration.strategy,
            .evolution(EvolutionOptions(population: 20, sampleSize: 5, cycles: 200, predictor: .peephole)))
        XCTAssertEqual(configuration.trainer, .replay(file: "curves.jsonl"))
    }

    func testCellSpace_andHyperbandDefaultingItsMaxResourceToTheEpochs() throws {
        let configuration = try decode(
            """
            name: cells
            space: {kind: cell, ops: [conv3x3, maxpool3x3, conv3x3], max_edges: 7}
            strategy: {kind: hyperband}
            training: {epochs: 81, input: [3, 16, 16]}
            trainer: {command: "python3 train.py --data ~/data > log.txt"}
            """)
        XCTAssertEqual(
            configuration.space.kind,
            .cell(
                CellSpaceOptions(
                    maxNodes: 7, maxEdges: 7, operations: [.conv3x3, .maxpool3x3],
                    input: TensorShape(channels: 3, height: 16, width: 16))),
            "an input given only under training is the space's input too")
        XCTAssertEqual(configuration.strategy, .hyperband(HyperbandOptions(maxResource: 81, eta: 3, iterations: 1)))
        XCTAssertTrue(configuration.strategy.hasNaturalEnd)
        XCTAssertEqual(
            configuration.trainer,
            .command(TrainerCommand(arguments: ["/bin/sh", "-c", "python3 train.py --data ~/data > log.txt"])))
    }

    func testNASBench201Space_readsItsOps_andDefaultsToAllFive() throws {
        let configuration = try decode(
            """
            name: nb201
            space: {kind: nb201, ops: [nor_conv_3x3, none, nor_conv_3x3]}
            strategy: {kind: evolution, population: 10, sample_size: 3}
            training: {epochs: 12}
            trainer: {builtin: replay, file: nb201.jsonl}
            """)
        XCTAssertEqual(configuration.space.kind, .nb201(NASBench201SpaceOptions(operations: [.convolution3x3, .none])))
        XCTAssertEqual(configuration.space.kindName, "nb201")
        XCTAssertEqual(configuration.space.input, .cifar)
        XCTAssertTrue(configuration.summary[1].contains("edge ops nor_conv_3x3, none"), configuration.summary[1])
        let defaults = try decode(
            """
            name: nb201
            space: {kind: nb201}
            strategy: {kind: evolution}
            training: {epochs: 12}
            trainer: {builtin: replay, file: nb201.jsonl}
            """)
        XCTAssertEqual(defaults.space.kind, .nb201(NASBench201SpaceOptions(operations: NASBench201Operation.allCases)))
        XCTAssertNotEqual(defaults.searchIdentity, configuration.searchIdentity, "the ops are part of the identity")
    }

    func testSpaceInput_isTheTrainingInputWhenTrainingLeavesItOut() throws {
        let configuration = try decode(
            Self.minimal.replacingOccurrences(
                of: "{kind: metaqnn}\nstrategy", with: "{kind: metaqnn, input: [1, 28, 28]}\nstrategy"))
        XCTAssertEqual(configuration.training.input, TensorShape(channels: 1, height: 28, width: 28))
    }

    func testDurations_inEveryUnit() throws {
        let cases: [(String, Duration)] = [
            ("30s", .seconds(30)), ("90m", .seconds(5_400)), ("2h", .seconds(7_200)), ("1d", .seconds(86_400)),
            ("250ms", .milliseconds(250)), ("0.02s", .milliseconds(20)), ("1h30m15s", .seconds(5_415)),
            ("1.5", .milliseconds(1_500)), ("45", .seconds(45)),
        ]
        for (text, expected) in cases {
            let configuration = try decode(Self.minimal + "\ntrial: {timeout: \(text)}\n")
            XCTAssertEqual(configuration.trial.timeout, expected, text)
        }
        XCTAssertEqual(
            try decode(Self.minimal + "\nend: {deadline: 90m}\n").end.deadline, .after(.seconds(5_400)))
        XCTAssertEqual(
            try decode(Self.minimal + "\nend: {deadline: 2024-02-29 23:59:59.5Z}\n").end.deadline,
            .at(Date(timeIntervalSince1970: 1_709_251_199.5)))
        XCTAssertThrowsError(try decode(Self.minimal + "\nend: {deadline: 2023-02-29T00:00:00Z}\n"))
        XCTAssertThrowsError(
            try decode(Self.minimal + "\nend: {deadline: 2023-01-01T00:00:00}\n"),
            "a timestamp without a time zone is ambiguous")
        XCTAssertThrowsError(try decode(Self.minimal + "\ntrial: {timeout: 0s}\n"))
        XCTAssertThrowsError(try decode(Self.minimal + "\ntrial: {timeout: 5x}\n"))
    }

    func testEarlyStopping_defaultsToAQuarterOfTheEpochs() throws {
        let configuration = try decode(Self.minimal + "\nearly_stopping: {kind: srm}\n")
        XCTAssertEqual(
            configuration.earlyStopping,
            EarlyStoppingConfiguration(
                kind: .srm, margin: 0, confidence: 0.99, burnIn: 100, compareToNth: 1,
                minEpochs: 5))
    }

    func testNullSections_takeTheirDefaults() throws {
        let configuration = try decode(Self.minimal + "\nend:\ntrial: ~\nearly_stopping: null\nseed:\n")
        XCTAssertTrue(configuration.end.isEmpty)
        XCTAssertEqual(configuration.trial, TrialLimits())
        XCTAssertNil(configuration.earlyStopping)
        XCTAssertEqual(configuration.seed, 0)
    }

    func testNumericName_isAccepted() throws {
        XCTAssertEqual(try decode(Self.minimal.replacingOccurrences(of: "minimal", with: "2024")).name, "2024")
    }

    // MARK: - Search identity

    func testSearchIdentity_isCanonicalJSON_independentOfHowTheFileIsWritten() throws {
        let flow = try decode(Self.minimal)
        let block = try decode(
            """
            # the same search, written out in full
            training:
              epochs: 20
              hyperparameters: {}
            trainer:
              command: ./train.sh
            strategy:
              kind: metaqnn
              learning_rate: 0.01
              discount: 1
            name: other-name
            space:
              kind: metaqnn
              filters:
                - 64
                - 128
                - 256
                - 512
              input: [3, 32, 32]
            end: {max_trials: 5}
            priority: 3
            """)
        XCTAssertEqual(flow.searchIdentity, block.searchIdentity)
        XCTAssertEqual(block.searchDifferences(from: flow), [])
        XCTAssertTrue(
            flow.searchIdentity.hasPrefix(#"{"seed": 0, "space": {"classes": 10, "fc_sizes": [512, 256, 128], "#),
            flow.searchIdentity)
        XCTAssertTrue(
            flow.searchIdentity.contains(
                #""strategy": {"discount": 1.0, "epsilon_schedule": [{"epsilon": 1.0, "models": 1500}, "#))
        XCTAssertTrue(
            flow.searchIdentity.hasSuffix(#""training": {"epochs": 20, "hyperparameters": {}, "input": [3, 32, 32]}}"#))
    }

    func testSearchDifferences_listEveryChangedKeyPath() throws {
        let old = try decode(Self.minimal)
        let new = try decode(
            Self.minimal
                .replacingOccurrences(
                    of: "strategy: {kind: metaqnn}",
                    with:
                        "strategy: {kind: metaqnn, epsilon_schedule: [{epsilon: 1, models: 10}, {epsilon: 0.5, models: 7}]}"
                )
                .replacingOccurrences(of: "space: {kind: metaqnn}", with: "space: {kind: metaqnn, filters: [64]}")
                + "\nseed: 9\nearly_stopping: {kind: srm}\n")
        let expected = [
            "early_stopping.burn_in: (absent) → 100",
            "early_stopping.compare_to_nth: (absent) → 1",
            "early_stopping.confidence: (absent) → 0.99",
            "early_stopping.kind: (absent) → \"srm\"",
            "early_stopping.margin: (absent) → 0.0",
            "early_stopping.min_epochs: (absent) → 5",
            "seed: 0 → 9",
            "space.filters: [64, 128, 256, 512] → [64]",
            "strategy.epsilon_schedule[1].models: 100 → 7",
            "strategy.epsilon_schedule[1].epsilon: 0.9 → 0.5",
            "strategy.epsilon_schedule[0].models: 1500 → 10",
        ]
        let differences = new.searchDifferences(from: old)
        XCTAssertEqual(
            Set(differences),
            Set(
                expected
                    + (2..<10).flatMap { index in
                        let step = MetaQNNStrategyOptions.paperSchedule[index]
                        return [
                            "strategy.epsilon_schedule[\(index)].epsilon: \(step.epsilon) → (absent)",
                            "strategy.epsilon_schedule[\(index)].models: \(step.models) → (absent)",
                        ]
                    }))
        XCTAssertEqual(differences, differences.sorted(), "differences are listed in key-path order")
        XCTAssertEqual(
            RunConfiguration.searchIdentityDifferences(from: old.searchIdentity, to: new.searchIdentity), differences)
    }

    func testSearchIdentityDifferences_forAChangedKind_andUnreadableStoredIdentity() throws {
        let metaqnn = try decode(Self.minimal)
        var random = metaqnn
        random.strategy = .random
        XCTAssertTrue(random.searchDifferences(from: metaqnn).contains("strategy.kind: \"metaqnn\" → \"random\""))
        XCTAssertTrue(random.searchDifferences(from: metaqnn).contains("strategy.replay_batch: 128 → (absent)"))
        XCTAssertEqual(
            RunConfiguration.searchIdentityDifferences(from: "{broken", to: metaqnn.searchIdentity),
            ["the stored search identity cannot be read (expected ':' after the key 'broken')"])
        XCTAssertEqual(RunConfiguration.searchIdentityDifferences(from: "{}", to: "{}"), [])
    }

    func testNonSearchKeys_doNotChangeTheIdentity() throws {
        let base = try decode(Self.minimal)
        var changed = base
        changed.name = "renamed"
        changed.description = "x"
        changed.trainer = .replay(file: "f")
        changed.end = EndCriteria(maxTrials: 3)
        changed.trial = TrialLimits(maxAttempts: 9)
        changed.priority = 7
        XCTAssertEqual(changed.searchIdentity, base.searchIdentity)
        changed.training.hyperparameters["lr"] = 0.1
        XCTAssertEqual(changed.searchDifferences(from: base), ["training.hyperparameters.lr: (absent) → 0.1"])
    }

    /// `final` decides which networks are retrained and how: a change is a different search.
    func testFinalPhase_isPartOfTheIdentity_andItsChangesAreListed() throws {
        let base = try decode(Self.minimal)
        let withFinal = try decode(Self.minimal + "\nfinal: {top_k: 3, epochs: 60}")
        XCTAssertEqual(
            withFinal.searchDifferences(from: base),
            ["final.epochs: (absent) → 60", "final.seeds: (absent) → 1", "final.top_k: (absent) → 3"])
        let changed = try decode(
            Self.minimal + "\nfinal: {top_k: 3, epochs: 60, seeds: 2, hyperparameters: {learning_rate: 0.01}}")
        let expected = ["final.hyperparameters.learning_rate: (absent) → 0.01", "final.seeds: 1 → 2"]
        XCTAssertEqual(changed.searchDifferences(from: withFinal), expected)
        XCTAssertEqual(
            RunConfiguration.searchIdentityDifferences(from: withFinal.searchIdentity, to: changed.searchIdentity),
            expected)
        let defaultsWritten = try decode(
            Self.minimal + "\nfinal: {top_k: 3, epochs: 60, seeds: 1, hyperparameters: {}}")
        XCTAssertEqual(defaultsWritten.searchIdentity, withFinal.searchIdentity)
    }

    /// An identity stored before `final` counted lacks it whatever the run's section was (the
    /// identity of the same configuration without the section, which is unchanged): the run's
    /// stored configuration text supplies the section, so the run resumes with it and only with it.
    func testStoredIdentityWithoutFinal_isComparedWithTheStoredConfigurationsSection() throws {
        let storedText = Self.minimal + "\nfinal: {top_k: 3, epochs: 60}"
        let storedIdentity = try decode(Self.minimal).searchIdentity
        func differences(storedText: String, new: String) throws -> [String] {
            RunConfiguration.searchIdentityDifferences(
                from: storedIdentity, storedConfiguration: storedText, to: try decode(new).searchIdentity)
        }
        XCTAssertEqual(try differences(storedText: storedText, new: storedText), [])
        XCTAssertEqual(
            try differences(storedText: storedText, new: Self.minimal + "\nfinal: {top_k: 5, epochs: 60}"),
            ["final.top_k: 3 → 5"])
        XCTAssertEqual(
            try differences(storedText: storedText, new: Self.minimal),
            ["final.epochs: 60 → (absent)", "final.seeds: 1 → (absent)", "final.top_k: 3 → (absent)"])
        XCTAssertEqual(try differences(storedText: Self.minimal, new: Self.minimal), [])
        XCTAssertEqual(
            try differences(storedText: Self.minimal, new: storedText).first, "final.epochs: (absent) → 60")
        XCTAssertEqual(
            try differences(storedText: "{not yaml", new: storedText).first, "final.epochs: (absent) → 60",
            "an unreadable stored configuration supplies no section")
        let storedWithFinal = try decode(storedText).searchIdentity
        XCTAssertEqual(
            RunConfiguration.searchIdentityDifferences(
                from: storedWithFinal, storedConfiguration: Self.minimal, to: try decode(storedText).searchIdentity),
            [], "an identity that has `final` is compared as it is")
    }

    func testSearchIdentity_escapesStringsAsJSON() throws {
        var configuration = try decode(Self.minimal)
        configuration.training.hyperparameters = ["a\"b\\c\nd\u{1}": 1]
        XCTAssertTrue(
            configuration.searchIdentity.contains(#"{"a\"b\\c\nd\u0001": 1.0}"#), configuration.searchIdentity)
        var other = configuration
        other.training.hyperparameters = ["a\"b\\c\nd\u{1}": 2]
        XCTAssertEqual(
            RunConfiguration.searchIdentityDifferences(from: configuration.searchIdentity, to: other.searchIdentity),
            ["training.hyperparameters.a\"b\\c\nd\u{1}: 1.0 → 2.0"])
    }

    // MARK: - Suggestions

    func testKeySuggestion_findsTyposWithinTwoEdits() {
        XCTAssertEqual(KeySuggestion.editDistance("seed", "sede"), 1, "a transposition is one edit")
        XCTAssertEqual(KeySuggestion.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(KeySuggestion.editDistance("", "abc"), 3)
        XCTAssertEqual(KeySuggestion.closest(to: "filtrs", among: ["kernels", "filters"]), "filters")
        XCTAssertEqual(KeySuggestion.closest(to: "MAX_DEPTH", among: ["max_depth"]), "max_depth")
        XCTAssertNil(KeySuggestion.closest(to: "banana", among: ["seed", "name"]))
        XCTAssertEqual(KeySuggestion.closest(to: "nme", among: ["name", "seed"]), "name")
    }
}

final class RunConfigurationSummaryTests: XCTestCase {
    func testSummary_namesTheRunAndEverySection() throws {
        let url = TestEnvironment.packageRoot.appendingPathComponent("configs/demo.yaml")
        let demo = try RunConfiguration(yaml: String(contentsOf: url, encoding: .utf8), file: "demo.yaml")
        XCTAssertEqual(
            demo.summary,
            [
                "run demo (seed 42)",
                "space: metaqnn, input [3,32,32], 10 classes, depth ≤ 8, at most 5000000 parameters",
                "strategy: metaqnn, 10 ε steps, 100 models",
                "training: 12 epochs, hyperparameters learning_rate=0.1, momentum=0.9, weight_decay=0.0001",
                "trainer: builtin surrogate, epoch delay 0.05 seconds",
                "end: when the strategy ends",
                "early stopping: srm, Δ = 0.99, δ = 0.05, burn-in 20",
                "prior: peephole, veto below 0.5 after 20 trained, refit every 50, audit 0.05",
            ])
    }
}
