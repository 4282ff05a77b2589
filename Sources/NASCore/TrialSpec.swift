/// Everything a trainer needs to train one candidate: the contract between the daemon, the worker
/// and every trainer, built-in or external (documented in docs/trainer-protocol.md).
///
/// Its JSON form (`TrialSpec+Codable.swift`) is the file an external trainer reads: snake-case keys,
/// and the network both as `arch` (its notation) and as `layers` (a sequential network's JSON layer
/// list), `cell` (a cell's operations and adjacency matrix) or `nb201_ops` (a NAS-Bench-201 cell's
/// six edge operations).
public struct TrialSpec: Hashable, Sendable {
    /// The trial's identifier, unique within its run.
    public var trialID: String
    /// The run the trial belongs to.
    public var runName: String
    /// The network to train.
    public var network: Network
    /// Training hyperparameters (initial learning rate, weight decay, ...), by name.
    public var hyperparameters: [String: Double]
    /// The per-trial seed: the same seed and architecture give the same training run.
    public var seed: UInt64
    /// The number of epochs to train to.
    public var epochBudget: Int
    /// The epoch to start from (0 for a fresh trial; > 0 when resuming from a checkpoint or
    /// continuing a Hyperband promotion).
    public var startEpoch: Int
    /// Where the trainer may save and find its checkpoints.
    public var checkpointDirectory: String
    /// The input shape `[C,H,W]`.
    public var input: TensorShape

    /// Creates a spec; `input` defaults to CIFAR's `[3,32,32]`.
    public init(
        trialID: String, runName: String, network: Network, hyperparameters: [String: Double],
        seed: UInt64, epochBudget: Int, startEpoch: Int, checkpointDirectory: String, input: TensorShape = .cifar
    ) {
        self.trialID = trialID
        self.runName = runName
        self.network = network
        self.hyperparameters = hyperparameters
        self.seed = seed
        self.epochBudget = epochBudget
        self.startEpoch = startEpoch
        self.checkpointDirectory = checkpointDirectory
        self.input = input
    }
}

/// One epoch's report from a trainer.
///
/// Its JSON form (`EpochRecord+Codable.swift`) is the payload of the `NASD_EPOCH` line an external
/// trainer prints: `{"epoch":3,"val_acc":0.71,"train_loss":0.52}`.
public struct EpochRecord: Hashable, Sendable {
    /// The epoch index, starting at 1.
    public var epoch: Int
    /// Validation accuracy in [0, 1].
    public var validationAccuracy: Double
    /// Further metrics by name (training loss, learning rate, ...).
    public var metrics: [String: Double]

    /// Creates a record.
    public init(epoch: Int, validationAccuracy: Double, metrics: [String: Double] = [:]) {
        self.epoch = epoch
        self.validationAccuracy = validationAccuracy
        self.metrics = metrics
    }
}

extension TrialSpec {
    /// Creates a spec for a sequential network; `input` defaults to CIFAR's `[3,32,32]`.
    public init(
        trialID: String, runName: String, architecture: Architecture, hyperparameters: [String: Double],
        seed: UInt64, epochBudget: Int, startEpoch: Int, checkpointDirectory: String, input: TensorShape = .cifar
    ) {
        self.init(
            trialID: trialID, runName: runName, network: .sequential(architecture), hyperparameters: hyperparameters,
            seed: seed, epochBudget: epochBudget, startEpoch: startEpoch, checkpointDirectory: checkpointDirectory,
            input: input)
    }

    /// The sequential network to train; `nil` when the network is a cell.
    public var architecture: Architecture? { network.architecture }

    /// The epochs this trial still has to train: `startEpoch + 1 … epochBudget` (empty when the
    /// start is at or past the budget).
    public var remainingEpochs: ClosedRange<Int>? {
        startEpoch < epochBudget ? (startEpoch + 1)...epochBudget : nil
    }
}
