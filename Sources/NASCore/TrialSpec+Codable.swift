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

    /// Reads the JSON form. The architecture comes from `arch` when present, else from `layers`;
    /// when both are present they must describe the same network. `hyper` defaults to `{}`,
    /// `start_epoch` to 0 and `input` to `[3,32,32]`.
    ///
    /// - Throws: `DecodingError` for a missing or mistyped key, an unparsable `arch`, or an `arch`
    ///   and `layers` that disagree.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let layersContainer = try decoder.container(keyedBy: ArchitectureLayersKey.self)
        var architecture: Architecture?
        if let notation = try container.decodeIfPresent(String.self, forKey: .notation) {
            do {
                architecture = try Architecture(notation: notation)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .notation, in: container,
                    debugDescription: "invalid notation at offset \(error.offset): \(error.message)")
            }
        }
        if layersContainer.contains(.layers) {
            // Architecture's own Codable reads the `layers` key of this same object.
            let fromLayers = try Architecture(from: decoder)
            if let architecture, architecture != fromLayers {
                throw DecodingError.dataCorruptedError(
                    forKey: .layers, in: layersContainer,
                    debugDescription: "\"layers\" describes \(fromLayers.notation), \"arch\" \(architecture.notation)")
            }
            architecture = fromLayers
        }
        guard let architecture else {
            throw DecodingError.keyNotFound(
                CodingKeys.notation,
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: "one of \"arch\" or \"layers\" is required"))
        }
        self.init(
            trialID: try container.decode(String.self, forKey: .trialID),
            runName: try container.decode(String.self, forKey: .runName),
            architecture: architecture,
            hyperparameters: try container.decodeIfPresent([String: Double].self, forKey: .hyperparameters) ?? [:],
            seed: try container.decode(UInt64.self, forKey: .seed),
            epochBudget: try container.decode(Int.self, forKey: .epochBudget),
            startEpoch: try container.decodeIfPresent(Int.self, forKey: .startEpoch) ?? 0,
            checkpointDirectory: try container.decode(String.self, forKey: .checkpointDirectory),
            input: try container.decodeIfPresent(TensorShape.self, forKey: .input) ?? .cifar)
    }

    /// Writes the JSON form, with the architecture under both `arch` and `layers`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trialID, forKey: .trialID)
        try container.encode(runName, forKey: .runName)
        try container.encode(architecture.notation, forKey: .notation)
        // Architecture's own Codable writes `layers` into this same object.
        try architecture.encode(to: encoder)
        try container.encode(hyperparameters, forKey: .hyperparameters)
        try container.encode(seed, forKey: .seed)
        try container.encode(epochBudget, forKey: .epochBudget)
        try container.encode(startEpoch, forKey: .startEpoch)
        try container.encode(checkpointDirectory, forKey: .checkpointDirectory)
        try container.encode(input, forKey: .input)
    }

    /// The key under which `Architecture` writes its layer list.
    private enum ArchitectureLayersKey: String, CodingKey {
        case layers
    }
}
