extension TrialSpec: Codable {
    /// The JSON keys (docs/trainer-protocol.md).
    enum CodingKeys: String, CodingKey {
        case trialID = "trial_id"
        case runName = "run"
        case notation = "arch"
        case hyperparameters = "hyper"
        case seed
        case epochBudget = "budget"
        case startEpoch = "start_epoch"
        case checkpointDirectory = "checkpoint_dir"
        case input
    }

    /// Reads the JSON form. The network comes from `arch` when present, else from `layers` (a
    /// sequential network), `cell` (a cell) or `nb201_ops` (a NAS-Bench-201 cell); when `arch` and
    /// one of those are both present they must describe the same network. `hyper` defaults to `{}`, `start_epoch` to 0 and `input` to
    /// `[3,32,32]`.
    ///
    /// - Throws: `DecodingError` for a missing or mistyped key, an unparsable `arch`, an `arch`
    ///   that disagrees with `layers` or `cell`, or both `layers` and `cell`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let networkContainer = try decoder.container(keyedBy: NetworkKey.self)
        var network: Network?
        if let notation = try container.decodeIfPresent(String.self, forKey: .notation) {
            do {
                network = try Network(notation: notation)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .notation, in: container, debugDescription: "invalid notation: \(error)")
            }
        }
        let structureKeys = NetworkKey.allCases.filter { networkContainer.contains($0) }
        if structureKeys.count > 1 {
            throw DecodingError.dataCorruptedError(
                forKey: structureKeys[1], in: networkContainer,
                debugDescription: "only one of \"layers\", \"cell\" or \"nb201_ops\" may be given")
        }
        if let key = structureKeys.first {
            // Network's own Codable reads the `layers`, `cell` or `nb201_ops` key of this same object.
            let fromStructure = try Network(from: decoder)
            if let network, network != fromStructure {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: networkContainer,
                    debugDescription: "\"\(key.rawValue)\" describes \(fromStructure.notation), "
                        + "\"arch\" \(network.notation)")
            }
            network = fromStructure
        }
        guard let network else {
            throw DecodingError.keyNotFound(
                CodingKeys.notation,
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "one of \"arch\", \"layers\" or \"cell\" is required"))
        }
        self.init(
            trialID: try container.decode(String.self, forKey: .trialID),
            runName: try container.decode(String.self, forKey: .runName),
            network: network,
            hyperparameters: try container.decodeIfPresent([String: Double].self, forKey: .hyperparameters) ?? [:],
            seed: try container.decode(UInt64.self, forKey: .seed),
            epochBudget: try container.decode(Int.self, forKey: .epochBudget),
            startEpoch: try container.decodeIfPresent(Int.self, forKey: .startEpoch) ?? 0,
            checkpointDirectory: try container.decode(String.self, forKey: .checkpointDirectory),
            input: try container.decodeIfPresent(TensorShape.self, forKey: .input) ?? .cifar)
    }

    /// Writes the JSON form, with the network under both `arch` and `layers` (sequential), `cell`
    /// (a cell) or `nb201_ops` (a NAS-Bench-201 cell's six op names in edge order).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trialID, forKey: .trialID)
        try container.encode(runName, forKey: .runName)
        try container.encode(network.notation, forKey: .notation)
        // Network's own Codable writes `layers` or `cell` into this same object.
        try network.encode(to: encoder)
        try container.encode(hyperparameters, forKey: .hyperparameters)
        try container.encode(seed, forKey: .seed)
        try container.encode(epochBudget, forKey: .epochBudget)
        try container.encode(startEpoch, forKey: .startEpoch)
        try container.encode(checkpointDirectory, forKey: .checkpointDirectory)
        try container.encode(input, forKey: .input)
    }

    /// The keys under which `Network` writes a layer list, a cell or NAS-Bench-201 edge operations.
    private enum NetworkKey: String, CodingKey, CaseIterable {
        case layers
        case cell
        case nb201Operations = "nb201_ops"
    }
}
