import NASCore

/// The environment variables an external trainer process is started with
/// (docs/trainer-protocol.md, "External trainers").
///
/// The JSON spec file named by `NASD_TRIAL_SPEC` is the full contract; the other variables repeat
/// its scalar fields for trainers written as shell scripts. The worker also sets
/// `CUDA_VISIBLE_DEVICES` per slot.
public enum TrainerEnvironment {
    /// The version of the trainer contract these variables describe.
    public static let protocolVersion = 1

    /// `NASD_PROTOCOL`: the contract version, `1`.
    public static let protocolVersionKey = "NASD_PROTOCOL"
    /// `NASD_TRIAL_SPEC`: the path of the trial spec's JSON file.
    public static let specPathKey = "NASD_TRIAL_SPEC"
    /// `NASD_TRIAL_ID`: the trial's identifier.
    public static let trialIDKey = "NASD_TRIAL_ID"
    /// `NASD_RUN`: the run's name.
    public static let runNameKey = "NASD_RUN"
    /// `NASD_ARCH`: the network's notation (bracket notation, or cell notation for a cell).
    public static let notationKey = "NASD_ARCH"
    /// `NASD_SEED`: the per-trial seed, decimal.
    public static let seedKey = "NASD_SEED"
    /// `NASD_BUDGET`: the epoch to train to.
    public static let epochBudgetKey = "NASD_BUDGET"
    /// `NASD_START_EPOCH`: the epoch already done (0 for a fresh trial).
    public static let startEpochKey = "NASD_START_EPOCH"
    /// `NASD_CHECKPOINT_DIR`: where to save and find checkpoints.
    public static let checkpointDirectoryKey = "NASD_CHECKPOINT_DIR"

    /// The variables for one trial.
    ///
    /// - Parameters:
    ///   - spec: the trial.
    ///   - specPath: where the worker wrote the spec's JSON form.
    /// - Returns: the `NASD_*` variables (to add to the worker's own environment).
    public static func variables(for spec: TrialSpec, specPath: String) -> [String: String] {
        [
            protocolVersionKey: String(protocolVersion),
            specPathKey: specPath,
            trialIDKey: spec.trialID,
            runNameKey: spec.runName,
            notationKey: spec.network.notation,
            seedKey: String(spec.seed),
            epochBudgetKey: String(spec.epochBudget),
            startEpochKey: String(spec.startEpoch),
            checkpointDirectoryKey: spec.checkpointDirectory,
        ]
    }
}
