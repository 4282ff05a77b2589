import Foundation
import NASConfig
import XCTest

/// Broken configurations and the exact error each must produce (issue 3 §7, "config errors").
final class ConfigErrorTableTests: XCTestCase {
    /// A valid configuration; each case below changes one thing.
    private static let base = """
        name: t
        space: {kind: metaqnn}
        strategy: {kind: random}
        training: {epochs: 5}
        trainer: {builtin: surrogate}
        end: {max_trials: 10}

        """

    /// `base` with the value of one of its sections replaced.
    private static func replacing(_ value: String, with replacement: String) -> String {
        base.replacingOccurrences(of: value, with: replacement)
    }

    private static func space(_ value: String) -> String { replacing("{kind: metaqnn}", with: value) }
    private static func strategy(_ value: String) -> String { replacing("{kind: random}", with: value) }
    private static func training(_ value: String) -> String { replacing("{epochs: 5}", with: value) }
    private static func trainer(_ value: String) -> String { replacing("{builtin: surrogate}", with: value) }
    private static func end(_ value: String) -> String { replacing("{max_trials: 10}", with: value) }

    private static let cases: [(name: String, yaml: String, expected: String)] = [
        (
            "top-level typo",
            base + "sead: 1\n",
            "bad.yaml:7:1: error: sead: unknown key\nhint: did you mean 'seed'?"
        ),
        (
            "missing name",
            replacing("name: t\n", with: ""),
            "bad.yaml:1:1: error: missing required key 'name'"
        ),
        (
            "name with a space",
            replacing("name: t", with: "name: my run"),
            "bad.yaml:1:7: error: name: expected a name of up to 100 letters, digits, '.', '_' or"
                + " '-', not starting with '.', found 'my run'"
        ),
        (
            "name starting with a dot",
            replacing("name: t", with: "name: .hidden"),
            "bad.yaml:1:7: error: name: expected a name of up to 100 letters, digits, '.', '_' or"
                + " '-', not starting with '.', found '.hidden'"
        ),
        (
            "seed not a number",
            base + "seed: abc\n",
            "bad.yaml:7:7: error: seed: expected an integer ≥ 0, found 'abc'"
        ),
        (
            "seed negative",
            base + "seed: -1\n",
            "bad.yaml:7:7: error: seed: expected an integer ≥ 0, found '-1'"
        ),
        (
            "space kind misspelt",
            space("{kind: metaqn}"),
            "bad.yaml:2:15: error: space.kind: expected one of metaqnn, blocks, cell, nb201, found"
                + " 'metaqn'\nhint: did you mean 'metaqnn'?"
        ),
        (
            "space kind missing",
            space("{filters: [64]}"),
            "bad.yaml:2:8: error: space: missing required key 'kind'"
        ),
        (
            "space key misspelt",
            space("\n  kind: metaqnn\n  filtrs: [64]"),
            "bad.yaml:4:3: error: space.filtrs: unknown key\nhint: did you mean 'filters'?"
        ),
        (
            "space filter not positive",
            space("\n  kind: metaqnn\n  filters: [64, -1]"),
            "bad.yaml:4:17: error: space.filters[1]: expected an integer ≥ 1, found '-1'"
        ),
        (
            "space pool not a pair",
            space("\n  kind: metaqnn\n  pools: [[5, 3], [3]]"),
            "bad.yaml:4:19: error: space.pools[1]: expected a [kernel, stride] pair of integers ≥ 1,"
                + " found [3]"
        ),
        (
            "space size bins increasing",
            space("{kind: metaqnn, size_bins: [4, 8]}"),
            "bad.yaml:2:35: error: space.size_bins: expected a decreasing list of integers ≥ 1,"
                + " found [4, 8]"
        ),
        (
            "space limit zero",
            space("\n  kind: metaqnn\n  limits:\n    max_params: 0"),
            "bad.yaml:5:17: error: space.limits.max_params: expected an integer ≥ 1, found '0'"
        ),
        (
            "space key of another kind",
            space("{kind: cell, max_depth: 4}"),
            "bad.yaml:2:21: error: space.max_depth: unknown key\nhint: allowed keys here: kind,"
                + " limits, max_nodes, max_edges, ops, input, classes"
        ),
        (
            "cell op unknown",
            space("{kind: cell, ops: [conv3x3, conv3x33]}"),
            "bad.yaml:2:36: error: space.ops[1]: expected one of conv3x3, conv1x1, maxpool3x3, found"
                + " 'conv3x33'\nhint: did you mean 'conv3x3'?"
        ),
        (
            "nb201 op unknown",
            space("{kind: nb201, ops: [none, nor_conv_5x5]}"),
            "bad.yaml:2:34: error: space.ops[1]: expected one of none, skip_connect, nor_conv_1x1, nor_conv_3x3,"
                + " avg_pool_3x3, found 'nor_conv_5x5'\nhint: did you mean 'nor_conv_1x1'?"
        ),
        (
            "epsilon models not a number",
            strategy(
                """

                  kind: metaqnn
                  epsilon_schedule:
                    - {epsilon: 1.0, models: 10}
                    - {epsilon: 0.5, models: 5}
                    - {epsilon: 0.1, models: abc}
                """),
            "bad.yaml:8:30: error: strategy.epsilon_schedule[2].models: expected an integer ≥ 1,"
                + " found 'abc'"
        ),
        (
            "epsilon step missing models",
            strategy("\n  kind: metaqnn\n  epsilon_schedule:\n    - epsilon: 1.0"),
            "bad.yaml:6:7: error: strategy.epsilon_schedule[0]: missing required key 'models'"
        ),
        (
            "epsilon above one",
            strategy("{kind: metaqnn, epsilon_schedule: [{epsilon: 1.5, models: 3}]}"),
            "bad.yaml:3:56: error: strategy.epsilon_schedule[0].epsilon: expected a number in [0,"
                + " 1], found '1.5'"
        ),
        (
            "learning rate zero",
            strategy("{kind: metaqnn, learning_rate: 0}"),
            "bad.yaml:3:42: error: strategy.learning_rate: expected a number in (0, 1], found '0'"
        ),
        (
            "metaqnn strategy on a cell space",
            replacing("{kind: metaqnn}\nstrategy: {kind: random}", with: "{kind: cell}\nstrategy: {kind: metaqnn}"),
            "bad.yaml:3:18: error: strategy.kind: the metaqnn strategy needs a space built by a sequence of"
                + " choices (metaqnn), found space kind 'cell'"
        ),
        (
            "diverged restart factor zero",
            strategy("{kind: metaqnn, diverged_restart: {factor: 0}}"),
            "bad.yaml:3:54: error: strategy.diverged_restart.factor: expected a number in (0, 1], found '0'"
        ),
        (
            "diverged restart unknown key",
            strategy("{kind: metaqnn, diverged_restart: {treshold: 0.1}}"),
            "bad.yaml:3:46: error: strategy.diverged_restart.treshold: unknown key\nhint: did you mean 'threshold'?"
        ),
        (
            "hyperband eta one",
            strategy("{kind: hyperband, max_resource: 81, eta: 1}"),
            "bad.yaml:3:52: error: strategy.eta: expected an integer ≥ 2, found '1'"
        ),
        (
            "evolution sample larger than population",
            strategy("{kind: evolution, population: 5, sample_size: 6}"),
            "bad.yaml:3:57: error: strategy.sample_size: expected an integer in [1, 5], found '6'"
        ),
        (
            "random without an end",
            replacing("end: {max_trials: 10}\n", with: ""),
            "bad.yaml:1:1: error: a random search has no natural end; set at least one of"
                + " end.max_trials, end.max_epochs, end.deadline or end.target_accuracy"
        ),
        (
            "random with an empty end",
            replacing("end: {max_trials: 10}", with: "end: {}"),
            "bad.yaml:6:6: error: end: a random search has no natural end; set at least one of"
                + " end.max_trials, end.max_epochs, end.deadline or end.target_accuracy"
        ),
        (
            "training without epochs",
            training("{hyperparameters: {lr: 0.1}}"),
            "bad.yaml:4:11: error: training: missing required key 'epochs'"
        ),
        (
            "training epochs zero",
            training("{epochs: 0}"),
            "bad.yaml:4:20: error: training.epochs: expected an integer ≥ 1, found '0'"
        ),
        (
            "hyperparameter not a number",
            training("\n  epochs: 5\n  hyperparameters:\n    lr: fast"),
            "bad.yaml:7:9: error: training.hyperparameters.lr: expected a number, found 'fast'"
        ),
        (
            "hyperparameter range: empty choice",
            training("{epochs: 5, hyperparameters: {lr: {choice: []}}}"),
            "bad.yaml:4:54: error: training.hyperparameters.lr.choice: expected a non-empty list of numbers, found an empty list"
        ),
        (
            "hyperparameter range: low not below high",
            training("{epochs: 5, hyperparameters: {lr: {uniform: [0.3, 0.1]}}}"),
            "bad.yaml:4:55: error: training.hyperparameters.lr.uniform: the lower bound 0.3 must be below the upper bound 0.1"
        ),
        (
            "hyperparameter range: log-uniform from zero",
            training("{epochs: 5, hyperparameters: {lr: {log_uniform: [0, 0.1]}}}"),
            "bad.yaml:4:59: error: training.hyperparameters.lr.log_uniform: log-uniform bounds must be > 0 (got 0.0, 0.1)"
        ),
        (
            "hyperparameter range: one bound",
            training("{epochs: 5, hyperparameters: {lr: {uniform: [0.1]}}}"),
            "bad.yaml:4:55: error: training.hyperparameters.lr.uniform: expected a list of two numbers [low, high], found [0.1]"
        ),
        (
            "hyperparameter range: unknown kind",
            training("{epochs: 5, hyperparameters: {lr: {loguniform: [0.1, 1]}}}"),
            "bad.yaml:4:46: error: training.hyperparameters.lr.loguniform: unknown key\nhint: did you mean 'log_uniform'?"
        ),
        (
            "final without epochs",
            end("{max_trials: 10}\nfinal: {top_k: 3}"),
            "bad.yaml:7:8: error: final: missing required key 'epochs'"
        ),
        (
            "final hyperparameters must be numbers",
            end("{max_trials: 10}\nfinal: {epochs: 50, hyperparameters: {lr: {uniform: [0.1, 0.2]}}}"),
            "bad.yaml:7:43: error: final.hyperparameters.lr: expected a number, found a map"
        ),
        (
            "checkpoint root not absolute",
            trainer("{builtin: surrogate, checkpoint_root: shared/ckpt}"),
            "bad.yaml:5:48: error: trainer.checkpoint_root: 'shared/ckpt' is not an absolute path; it must name the same directory on every worker's host"
        ),
        (
            "training input disagrees with space input",
            space("{kind: metaqnn, input: [1, 28, 28]}")
                .replacingOccurrences(of: "{epochs: 5}", with: "{epochs: 5, input: [3, 32, 32]}"),
            "bad.yaml:4:30: error: training.input: [3,32,32] differs from space.input [1,28,28];"
                + " write the input shape once"
        ),
        (
            "input shape with two dimensions",
            training("{epochs: 5, input: [32, 32]}"),
            "bad.yaml:4:30: error: training.input: expected an input shape [C, H, W] of integers ≥"
                + " 1, found [32, 32]"
        ),
        (
            "trainer command and builtin",
            trainer("\n  command: python train.py\n  builtin: surrogate"),
            "bad.yaml:7:3: error: trainer.builtin: 'command' and 'builtin' cannot both be set"
        ),
        (
            "trainer builtin misspelt",
            trainer("{builtin: surogate}"),
            "bad.yaml:5:20: error: trainer.builtin: expected one of surrogate, replay, found"
                + " 'surogate'\nhint: did you mean 'surrogate'?"
        ),
        (
            "replay without file",
            trainer("{builtin: replay}"),
            "bad.yaml:5:10: error: trainer: missing required key 'file'"
        ),
        (
            "epoch delay on a command",
            trainer("{command: [python, train.py], epoch_delay: 1s}"),
            "bad.yaml:5:40: error: trainer.epoch_delay: unknown key\nhint: allowed keys here:"
                + " command, env, workdir, checkpoint_root"
        ),
        (
            "trainer with neither",
            trainer("{env: {A: 1}}"),
            "bad.yaml:5:10: error: trainer: missing required key 'command' or 'builtin'"
        ),
        (
            "trainer env not a map",
            trainer("{command: ./train, env: [A]}"),
            "bad.yaml:5:34: error: trainer.env: expected a map of variable names to values, found [A]"
        ),
        (
            "deadline not a duration",
            end("{deadline: tomorrow}"),
            "bad.yaml:6:17: error: end.deadline: expected a duration such as 2h, 90m or 30s, or a"
                + " timestamp such as 2025-06-01T18:00:00Z, found 'tomorrow'"
        ),
        (
            "target accuracy as a percentage",
            end("{target_accuracy: 95}"),
            "bad.yaml:6:24: error: end.target_accuracy: expected a number in (0, 1], found '95'"
        ),
        (
            "trial timeout in words",
            base + "trial:\n  timeout: 5 minutes\n",
            "bad.yaml:8:12: error: trial.timeout: expected a duration such as 30s, 90m or 2h (more"
                + " than zero), found '5 minutes'"
        ),
        (
            "max attempts zero",
            base + "trial: {max_attempts: 0}\n",
            "bad.yaml:7:23: error: trial.max_attempts: expected an integer ≥ 1, found '0'"
        ),
        (
            "priority zero",
            base + "priority: 0\n",
            "bad.yaml:7:11: error: priority: expected a number > 0, found '0'"
        ),
        (
            "early stopping confidence above one",
            base + "early_stopping: {kind: srm, confidence: 1.5}\n",
            "bad.yaml:7:41: error: early_stopping.confidence: expected a number in (0, 1], found"
                + " '1.5'"
        ),
        (
            "early stopping min epochs at the budget",
            base + "early_stopping: {kind: srm, min_epochs: 5}\n",
            "bad.yaml:7:41: error: early_stopping.min_epochs: expected an integer in [1, 4], found"
                + " '5'"
        ),
        (
            "early stopping with the old name of the margin",
            base + "early_stopping: {kind: srm, delta: 0.01}\n",
            "bad.yaml:7:29: error: early_stopping.delta: 'delta' has been renamed\nhint: use 'margin' for δ, the"
                + " margin below the reference (Δ, the probability, is 'confidence')"
        ),
        (
            "early stopping compares with more than the kept best",
            base + "early_stopping: {kind: srm, compare_to_nth: 17}\n",
            "bad.yaml:7:45: error: early_stopping.compare_to_nth: expected an integer in [1, 16], found '17'"
        ),
        (
            "f-Hyperband's kappa without hyperband",
            base + "early_stopping: {kind: srm, kappa: 0.5}\n",
            "bad.yaml:7:29: error: early_stopping.kappa: 'kappa' is an f-Hyperband setting and the strategy is"
                + " not hyperband\nhint: it applies only with strategy: {kind: hyperband}; remove it"
        ),
        (
            "f-Hyperband's kappa above one",
            strategy("{kind: hyperband}") + "early_stopping: {kind: srm, kappa: 1.5}\n",
            "bad.yaml:7:36: error: early_stopping.kappa: expected a number in (0, 1], found '1.5'"
        ),
        (
            "f-Hyperband's min_curves below two",
            strategy("{kind: hyperband}") + "early_stopping: {kind: srm, min_curves: 1}\n",
            "bad.yaml:7:41: error: early_stopping.min_curves: expected an integer ≥ 2, found '1'"
        ),
        (
            "burn_in in f-Hyperband",
            strategy("{kind: hyperband}") + "early_stopping: {kind: srm, burn_in: 10}\n",
            "bad.yaml:7:29: error: early_stopping.burn_in: 'burn_in' has no meaning with strategy: {kind:"
                + " hyperband} (f-Hyperband)\nhint: f-Hyperband fits the models for each budget r once min_curves"
                + " configurations were trained to r"
        ),
        (
            "early stopping warm start is not a path",
            base + "early_stopping: {kind: srm, warm_start: [a]}\n",
            "bad.yaml:7:41: error: early_stopping.warm_start: expected a string, found [a]"
        ),
        (
            "early stopping without kind",
            base + "early_stopping:\n  margin: 0.01\n",
            "bad.yaml:8:3: error: early_stopping: missing required key 'kind'"
        ),
        (
            "prior without a veto rule",
            base + "prior:\n  kind: peephole\n",
            "bad.yaml:8:3: error: prior: missing required key 'veto_quantile' or 'veto_below'\nhint: e.g. "
                + "veto_quantile: 0.25 (veto below the lower quartile of trained networks' predictions)"
        ),
        (
            "prior with both veto rules",
            base + "prior:\n  kind: peephole\n  veto_quantile: 0.2\n  veto_below: 0.5\n",
            "bad.yaml:10:3: error: prior.veto_below: give only one of veto_quantile and veto_below\nhint: "
                + "veto_quantile compares with the trained networks' predictions; veto_below is an accuracy"
        ),
        (
            "prior audit fraction out of range",
            base + "prior: {kind: peephole, veto_quantile: 0.2, audit_fraction: 1.5}\n",
            "bad.yaml:7:61: error: prior.audit_fraction: expected a number in [0, 1], found '1.5'"
        ),
        (
            "RNAS prior with an absolute accuracy",
            base + "prior:\n  kind: rnas\n  veto_below: 0.5\n",
            "bad.yaml:9:3: error: prior.veto_below: the RNAS prior ranks networks: its scores are not accuracies, "
                + "so there is no accuracy to veto below\nhint: use veto_quantile: q (veto a candidate scored below "
                + "the q-quantile of the trained networks' scores)"
        ),
        (
            "RNAS prior rewarding vetoes",
            base + "prior: {kind: rnas, veto_quantile: 0.2, reward_vetoed: true}\n",
            "bad.yaml:7:56: error: prior.reward_vetoed: the RNAS prior's prediction is a ranking score, not an "
                + "accuracy a strategy can learn from\nhint: leave reward_vetoed false with kind: rnas"
        ),
        (
            "prior kind unknown",
            base + "prior: {kind: peephol, veto_below: 0.5}\n",
            "bad.yaml:7:15: error: prior.kind: expected one of peephole, rnas, found"
                + " 'peephol'\nhint: did you mean 'peephole'?"
        ),
        (
            "section that is a list",
            replacing("training: {epochs: 5}", with: "training: [5]"),
            "bad.yaml:4:11: error: training: expected a map, found [5]"
        ),
        (
            "section left empty",
            replacing("training: {epochs: 5}", with: "training:"),
            "bad.yaml:4:10: error: training: expected a map, found an empty value"
        ),
        (
            "top level is a list",
            "- name: t\n",
            "bad.yaml:1:1: error: expected a map, found a list of 1 item"
        ),
        (
            "empty file",
            "# nothing here\n",
            "bad.yaml:1:1: error: the configuration is empty; expected a map with name, space,"
                + " strategy, training and trainer"
        ),
        (
            "tab indentation",
            base + "trial:\n\tmax_attempts: 2\n",
            "bad.yaml:8:1: error: tabs are not allowed in indentation; indent with spaces"
        ),
        (
            "duplicate key",
            base + "seed: 1\nseed: 2\n",
            "bad.yaml:8:1: error: duplicate key 'seed' (first defined at line 7)"
        ),
        (
            "anchor",
            base + "seed: &s 1\n",
            "bad.yaml:7:7: error: anchors ('&') are not supported"
        ),
        (
            "integer with a fraction",
            training("{epochs: 5.5}"),
            "bad.yaml:4:20: error: training.epochs: expected an integer ≥ 1, found '5.5'"
        ),
        (
            "quoted number",
            training("{epochs: \"5\"}"),
            "bad.yaml:4:20: error: training.epochs: expected an integer ≥ 1, found the quoted string"
                + " \"5\""
        ),
    ]

    func testBaseConfiguration_isValid() throws {
        let configuration = try RunConfiguration(yaml: Self.base, file: "bad.yaml")
        XCTAssertEqual(configuration.name, "t")
    }

    func testEveryBrokenConfiguration_reportsTheExactPositionAndMessage() {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 20)
        for (name, yaml, expected) in Self.cases {
            do {
                let configuration = try RunConfiguration(yaml: yaml, file: "bad.yaml")
                XCTFail("\(name): expected an error, decoded \(configuration.name)")
            } catch {
                XCTAssertEqual(error.description, expected, name)
            }
        }
    }
}
