import Foundation
import NASConfig
import NASCore
import NASProtocol
import NASSearch

/// Every check the daemon makes before it accepts a run configuration, in one place, so that
/// `nasd config check`, `nasd submit`, `nasd run` and the daemon's own `submit` accept and refuse
/// exactly the same files.
///
/// In order: the file is text (UTF-8, no control characters) and fits in one control frame; it
/// parses; its values decode; this build can run its strategy and predictors; the space can be
/// built; and a few networks sampled from it (seeded by the run's seed) can be built for the
/// training input and trained by the configured trainer. Every refusal is a `ConfigError` that
/// names the file, line and column of the key it concerns.
public struct RunConfigurationCheck: Sendable {
    /// How many networks are sampled from the space to see that it can build legal ones.
    public static let sampledNetworks = 4

    /// The largest control frame (the daemon's `--max-frame` equivalent); the submit request that
    /// carries the file must fit in it.
    public var maximumFrameSize: Int
    /// The predictors this build offers (the daemon's `DaemonOptions.makePredictors`).
    public var makePredictors: @Sendable (RunConfiguration) throws -> RunPredictors
    /// Whether a `builtin: replay` file is read to see that it holds some of the sampled networks
    /// (`checkReplayCoverage`). The commands that read a configuration (`config check`, `submit`,
    /// `run`) do; the daemon's own check does not, since parsing a table (0.8 s for NAS-Bench-201's
    /// 15,625 rows) would hold its commit thread, and every file it is sent was checked so first.
    public var readsReplayFile: Bool

    /// Creates a check.
    public init(
        maximumFrameSize: Int = Framing.defaultMaximumFrameSize,
        makePredictors: @escaping @Sendable (RunConfiguration) throws -> RunPredictors = SearchSetup.makePredictors,
        readsReplayFile: Bool = true
    ) {
        self.maximumFrameSize = maximumFrameSize
        self.makePredictors = makePredictors
        self.readsReplayFile = readsReplayFile
    }

    /// Checks a configuration file's bytes (as read from disk).
    ///
    /// - Returns: the file's text and its decoded configuration.
    /// - Throws: `ConfigError`, located.
    public func check(bytes: [UInt8], file: String) throws(ConfigError) -> (
        text: String, configuration: RunConfiguration
    ) {
        let text = try ConfigurationText.decode(bytes, file: file)
        return (text, try check(text: text, file: file))
    }

    /// Checks a configuration's text.
    ///
    /// - Throws: `ConfigError`, located.
    public func check(text: String, file: String) throws(ConfigError) -> RunConfiguration {
        try checkFrameSize(text: text, file: file)
        let node = try YAMLParser.parse(text, file: file)
        let configuration = try RunConfiguration(node: node, file: file)
        func refuse(_ keyPath: String, _ message: String) -> ConfigError {
            ConfigError(file: file, position: node.position(ofKeyPath: keyPath), keyPath: keyPath, message: message)
        }
        if case .cell = configuration.space.kind, case .surrogate = configuration.trainer {
            throw refuse(
                "trainer.builtin",
                "the surrogate trainer trains only sequential networks, not the cells of a 'cell' space; use a "
                    + "replay file or a command trainer")
        }
        let sampler: any NetworkSampler
        do {
            let base = URL(fileURLWithPath: file).deletingLastPathComponent()
            let resolved = SearchSetup.resolvingPaths(of: configuration, base: base)
            _ = try SearchSetup.makeStrategy(for: resolved)
            _ = try makePredictors(resolved)
            sampler = try SearchSetup.makeSampler(for: configuration.space)
        } catch let unsupported as SearchSetup.Unsupported {
            throw refuse(unsupported.keyPath, unsupported.message)
        } catch let warmStart as WarmStartError {
            throw refuse("early_stopping.warm_start", warmStart.description)
        } catch let space as SpaceConfigurationError {
            throw refuse(Self.keyPath(of: space, in: configuration.space), "the space cannot be built: \(space)")
        } catch {
            throw refuse("space", "the space cannot be built: \(error)")
        }
        let sampled = try sampleNetworks(from: sampler, configuration: configuration, refuse: refuse)
        if readsReplayFile, case .replay(let path) = configuration.trainer {
            let base = URL(fileURLWithPath: file).deletingLastPathComponent()
            try checkReplayCoverage(
                of: sampled, file: SearchSetup.absolutePath(path, base: base), written: path,
                refuse: { refuse("trainer.file", $0) })
        }
        return configuration
    }

    /// Refuses a replay file that holds none of the networks sampled from the space: such a run
    /// would fail every trial ("no curve for …"). A file that cannot be read or parsed here is left
    /// to the workers, which report it per trial (a remote worker may see another file system).
    private func checkReplayCoverage(
        of sampled: [Network], file: String, written: String, refuse: (String) -> ConfigError
    ) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: file),
            let records = try? CurvesFile.parse(data), let first = sampled.first
        else { return }
        let table = ReplayTable(records: records)
        guard !sampled.contains(where: { table.entry(for: $0) != nil }) else { return }
        throw refuse(
            "\(written) holds none of \(sampled.count) networks sampled from the space (such as \(first.notation)), "
                + "so every trial would fail: a replay trains only what the file records. Search the space the table "
                + "covers (NAS-Bench-201's 15,625 cells: space kind nb201), or measure a partial table with "
                + "`nasd replay --early-stop srm`")
    }

    /// Refuses a file whose `submit` request would not fit in one control frame.
    private func checkFrameSize(text: String, file: String) throws(ConfigError) {
        // JSON escaping can only grow the text, so only a text near the limit needs the exact size.
        guard text.utf8.count + file.utf8.count > maximumFrameSize / 2 else { return }
        let request = ControlRequest.submit(configText: text, fileName: file, restart: false)
        let size = (try? MessageCodec(maximumFrameSize: maximumFrameSize).encodePayload(request).count) ?? Int.max
        guard size > maximumFrameSize else { return }
        throw ConfigError(
            file: file, position: .start,
            message: "the configuration is \(text.utf8.count) bytes; sent to the daemon it makes a "
                + "\(size == Int.max ? "too large" : "\(size)-byte") request, more than the control socket's limit of "
                + "\(maximumFrameSize) bytes (a configuration is normally a few kilobytes)")
    }

    /// Samples a few networks and checks that each can be built for the training input and trained
    /// by the configured trainer.
    ///
    /// - Returns: the sampled networks.
    private func sampleNetworks(
        from sampler: any NetworkSampler, configuration: RunConfiguration, refuse: (String, String) -> ConfigError
    ) throws(ConfigError) -> [Network] {
        var generator = SeededGenerator(seed: configuration.seed)
        let input = configuration.training.input
        var sampled: [Network] = []
        for _ in 0..<Self.sampledNetworks {
            let network: Network
            do {
                network = try sampler.sampleNetwork(using: &generator)
            } catch {
                throw refuse("space", "the space can build no network: \(error)")
            }
            sampled.append(network)
            guard case .sequential(let architecture) = network else { continue }
            do {
                _ = try architecture.analyze(input: input)
            } catch {
                throw refuse(
                    "space",
                    "the space builds networks that cannot take the input \(input): \(architecture.notation): \(error)")
            }
            if case .surrogate = configuration.trainer {
                do {
                    _ = try SurrogateBenchmark().curve(
                        for: architecture, input: input,
                        hyperparameters: configuration.training.hyperparameters.sample(using: &generator),
                        seed: configuration.seed, budget: configuration.training.epochs)
                } catch {
                    throw refuse(
                        "space",
                        "the surrogate trainer cannot train the space's networks for the input \(input): "
                            + "\(architecture.notation): \(error)")
                }
            }
        }
        return sampled
    }

    /// The configuration key a space error concerns.
    static func keyPath(of error: SpaceConfigurationError, in space: SearchSpaceConfiguration) -> String {
        // Each stage halves the input side: too many stages leave it below one pixel.
        if error.parameter.hasPrefix("input (side too small") { return "space.stages" }
        let parameter = error.parameter.prefix { $0 != " " && $0 != "[" && $0 != "." }
        let keys: [Substring: String] = [
            "input": "input", "classes": "classes", "stageChannels": "stages", "kernelSizes": "kernels",
            "channelRatios": "channel_ratios", "batchNormProbability": "bn_probability",
            "maxBlockLayers": "max_block_layers", "maxBlockConvolutions": "max_block_convolutions",
            "copiesPerStage": "max_block_copies", "transitions": "transition", "filterCounts": "filters",
            "convolutionStrides": "strides", "poolings": "pools", "fullyConnectedSizes": "fc_sizes",
            "maxDepth": "max_depth", "maxConsecutiveFullyConnected": "max_consecutive_fc",
            "representationSizeBins": "size_bins", "inputSize": "input", "inputChannels": "input",
            "maxVertices": "max_nodes", "maxEdges": "max_edges", "operations": "ops",
        ]
        guard let key = keys[parameter] else { return "space" }
        return "space." + key
    }
}
