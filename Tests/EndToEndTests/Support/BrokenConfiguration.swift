/// A configuration with one mistake, and the exact error `nasd config check` must print for it
/// (after `nasd: FILE:`), with its hint line when there is one.
struct BrokenConfiguration: Sendable {
    var name: String
    var text: String
    var expected: String
    var hint: String?

    /// A valid configuration in block style, so that every key has its own line and column.
    static let valid = """
        name: broken
        seed: 1
        space:
          kind: metaqnn
          max_depth: 3
        strategy:
          kind: random
        training:
          epochs: 2
        trainer:
          builtin: surrogate
        end:
          max_trials: 3

        """

    /// `valid` with its line `number` (1-based) replaced by `lines`.
    static func valid(replacingLine number: Int, with lines: String...) -> String {
        var all = valid.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        all.replaceSubrange((number - 1)...(number - 1), with: lines)
        return all.joined(separator: "\n")
    }

    /// The table: a misspelled key, a misspelled value, a missing key, wrong types and ranges, and
    /// YAML the subset rejects.
    static let table: [BrokenConfiguration] = [
        .init(
            name: "misspelled key", text: valid(replacingLine: 5, with: "  max_dpth: 3"),
            expected: "5:3: error: space.max_dpth: unknown key", hint: "did you mean 'max_depth'?"),
        .init(
            name: "misspelled strategy", text: valid(replacingLine: 7, with: "  kind: randm"),
            expected: "7:9: error: strategy.kind: expected one of random, metaqnn, evolution, hyperband, found 'randm'",
            hint: "did you mean 'random'?"),
        .init(
            name: "missing epochs", text: valid(replacingLine: 9, with: "  hyperparameters: {learning_rate: 0.1}"),
            expected: "9:3: error: training: missing required key 'epochs'"),
        .init(
            name: "not an integer", text: valid(replacingLine: 13, with: "  max_trials: abc"),
            expected: "13:15: error: end.max_trials: expected an integer ≥ 1, found 'abc'"),
        .init(
            name: "negative seed", text: valid(replacingLine: 2, with: "seed: -1"),
            expected: "2:7: error: seed: expected an integer ≥ 0, found '-1'"),
        .init(
            name: "duplicate key", text: valid(replacingLine: 2, with: "seed: 1", "seed: 2"),
            expected: "3:1: error: duplicate key 'seed' (first defined at line 2)"),
        .init(
            name: "tab indentation", text: valid(replacingLine: 13, with: "\tmax_trials: 3"),
            expected: "13:1: error: tabs are not allowed in indentation; indent with spaces"),
        .init(
            name: "anchor", text: valid(replacingLine: 9, with: "  epochs: &e 2"),
            expected: "9:11: error: anchors ('&') are not supported"),
        .init(
            name: "replay without its file", text: valid(replacingLine: 11, with: "  builtin: replay"),
            expected: "11:3: error: trainer: missing required key 'file'"),
        .init(
            name: "bad duration", text: valid(replacingLine: 11, with: "  builtin: surrogate", "  epoch_delay: fast"),
            expected: "12:16: error: trainer.epoch_delay: expected a duration such as 30s, 90m or 2h, found 'fast'"),
        .init(
            name: "RNAS prior with an absolute accuracy",
            text: valid(replacingLine: 2, with: "seed: 1", "prior:", "  kind: rnas", "  veto_below: 0.5"),
            expected: "5:3: error: prior.veto_below: the RNAS prior ranks networks: its scores are not accuracies, "
                + "so there is no accuracy to veto below",
            hint: "use veto_quantile: q (veto a candidate scored below the q-quantile of the trained networks' scores)"),
        .init(
            name: "misspelled top-level key", text: valid(replacingLine: 2, with: "seed: 1", "prority: 2"),
            expected: "3:1: error: prority: unknown key", hint: "did you mean 'priority'?"),
        .init(
            name: "run name escaping the state directory", text: valid(replacingLine: 1, with: "name: ../escape"),
            expected: """
                1:7: error: name: expected a name of up to 100 letters, digits, '.', '_' or '-', not starting \
                with '.', found '../escape'
                """),
    ]
}
