import Foundation
import NASCore

/// `nasd arch parse|info|sample`.
enum ArchCommands {
    static var all: [CommandSpec] { [parse, info, sample] }

    static let inputOption = OptionSpec.value("input", "C,H,W", "Input shape (default 3,32,32).")
    static let jsonOption = OptionSpec.flag("json", "Print JSON instead of text.")

    static let parse = CommandSpec(
        ["arch", "parse"], summary: "Parse a network (bracket notation or JSON) and print its forms.",
        positionals: ["ARCH"], options: [jsonOption],
        discussion:
            "ARCH is bracket notation such as '[C(64,3,1), P(2,2), SM(10)]' or a JSON object {\"layers\": [...]}."
    ) { arguments in
        let architecture = try readArchitecture(arguments.positionals[0])
        if arguments.has("json") {
            try printJSON(ArchitectureForms(architecture))
        } else {
            writeStandardOutput(
                """
                notation:  \(architecture.notation)
                canonical: \(architecture.canonicalNotation)
                hash:      \(architecture.canonicalHash)
                layers:    \(architecture.layers.count)
                """)
        }
        return ExitStatus.success
    }

    static let info = CommandSpec(
        ["arch", "info"], summary: "Per-layer shapes, parameters and FLOPs of a network.",
        positionals: ["ARCH"], options: [inputOption, jsonOption]
    ) { arguments in
        let architecture = try readArchitecture(arguments.positionals[0])
        let input = try readShape(arguments.value("input"), command: arguments.command)
        let analysis = try architecture.analyze(input: input)
        if arguments.has("json") {
            try printJSON(ArchitectureInfo(architecture: architecture, analysis: analysis))
            return ExitStatus.success
        }
        var table = TextTable(columns: ["#", "layer", "input", "output", "params", "MACs"])
        for layer in analysis.layers {
            table.add([
                "\(layer.index)", layer.layer.notation,
                layer.input.description, layer.output.description, layer.parameters.formatted(),
                layer.macs.formatted(),
            ])
        }
        writeStandardOutput(architecture.notation)
        writeStandardOutput(table.render())
        writeStandardOutput("parameters: \(analysis.parameters.formatted())   MACs: \(analysis.macs.formatted())")
        return ExitStatus.success
    }

    static let sample = CommandSpec(
        ["arch", "sample"], summary: "Sample networks from a search space with a seed.",
        options: [
            .value(
                "space", "SPACE",
                "metaqnn (CIFAR-10 rules, default), metaqnn-svhn, metaqnn-mnist, blocks, cell or nb201."),
            .value("seed", "N", "Seed (default 0); the same seed gives the same networks."),
            .value("count", "N", "How many to sample (default 1)."), jsonOption,
        ],
        discussion:
            "Sequential networks are printed in bracket notation; NAS-Bench-101 cells as their canonical form; "
            + "NAS-Bench-201 cells in the benchmark's string form."
    ) { arguments in
        let seedText = arguments.value("seed") ?? "0"
        guard let seed = UInt64(seedText) else {
            throw UsageError(
                command: arguments.command, message: "--seed expects a non-negative integer; found '\(seedText)'")
        }
        let count = try arguments.integer("count", default: 1, range: 1...1_000_000)
        var generator = SeededGenerator(seed: seed)
        let space = arguments.value("space") ?? "metaqnn"
        var samples: [SampledNetwork] = []
        for _ in 0..<count {
            switch space {
            case "metaqnn", "metaqnn-svhn", "metaqnn-mnist":
                let configuration: MetaQNNSpace.Configuration =
                    space == "metaqnn-svhn" ? .svhn : space == "metaqnn-mnist" ? .mnist : .cifar10
                let architecture = try MetaQNNSpace(configuration: configuration).sample(using: &generator)
                samples.append(try SampledNetwork(architecture, input: configuration.inputShape))
            case "blocks":
                let blocks = try BlockSpace(configuration: BlockSpace.Configuration())
                let architecture = try blocks.sample(using: &generator)
                samples.append(try SampledNetwork(architecture, input: blocks.configuration.input))
            case "cell":
                let cell = try CellSpace().sample(using: &generator)
                samples.append(SampledNetwork(notation: try cell.canonicalNotation(), hash: try cell.canonicalHash()))
            case "nb201":
                let network = Network.nb201(try NASBench201Space().sample(using: &generator))
                samples.append(SampledNetwork(notation: network.notation, hash: network.canonicalHash))
            default:
                throw UsageError(
                    command: arguments.command,
                    message:
                        "--space expects metaqnn, metaqnn-svhn, metaqnn-mnist, blocks, cell or nb201; found '\(space)'")
            }
        }
        if arguments.has("json") {
            try printJSON(samples)
        } else {
            for sample in samples { writeStandardOutput(sample.notation) }
        }
        return ExitStatus.success
    }

    /// Reads bracket notation, or JSON when the text starts with `{`.
    static func readArchitecture(_ text: String) throws -> Architecture {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            let data = Data(trimmed.utf8)
            do {
                return try JSONDecoder().decode(Architecture.self, from: data)
            } catch {
                throw InvalidArchitectureJSON(underlying: JSONInputError(decoding: error, data: data))
            }
        }
        return try Architecture(notation: trimmed)
    }

    /// Reads `C,H,W` or `[C,H,W]`.
    static func readShape(_ text: String?, command: CommandSpec) throws(UsageError) -> TensorShape {
        guard let text else { return .cifar }
        let numbers = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            .split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, let c = numbers[0], let h = numbers[1], let w = numbers[2], c > 0, h > 0, w > 0
        else {
            throw UsageError(
                command: command, message: "--input expects three positive integers C,H,W; found '\(text)'")
        }
        return TensorShape(channels: c, height: h, width: w)
    }
}

/// A JSON architecture that does not decode.
struct InvalidArchitectureJSON: InvalidInputError, CustomStringConvertible {
    var underlying: JSONInputError
    var description: String { "invalid architecture JSON: \(underlying)" }
}

/// `nasd arch parse --json` output.
private struct ArchitectureForms: Encodable {
    var notation: String
    var canonical: String
    var hash: String
    var layers: Architecture

    init(_ architecture: Architecture) {
        notation = architecture.notation
        canonical = architecture.canonicalNotation
        hash = architecture.canonicalHash
        layers = architecture
    }

    enum CodingKeys: String, CodingKey { case notation, canonical, hash, layers }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notation, forKey: .notation)
        try container.encode(canonical, forKey: .canonical)
        try container.encode(hash, forKey: .hash)
        // The architecture's own JSON form is {"layers": [...]}; embed its list.
        try layers.encode(to: container.superEncoder(forKey: .layers))
    }
}

/// `nasd arch info --json` output.
private struct ArchitectureInfo: Encodable {
    struct LayerInfo: Encodable {
        var index: Int
        var layer: String
        var input: TensorShape
        var output: TensorShape
        var parameters: Int
        var macs: Int
    }

    var notation: String
    var input: TensorShape
    var parameters: Int
    var macs: Int
    var layers: [LayerInfo]

    init(architecture: Architecture, analysis: ArchitectureAnalysis) {
        notation = architecture.notation
        input = analysis.input
        parameters = analysis.parameters
        macs = analysis.macs
        layers = analysis.layers.map {
            LayerInfo(
                index: $0.index, layer: $0.layer.notation,
                input: $0.input, output: $0.output, parameters: $0.parameters, macs: $0.macs)
        }
    }
}

extension NotationError: InvalidInputError {}
extension ArchitectureError: InvalidInputError {}
extension ConstraintViolation: InvalidInputError {}

/// Prints a value as pretty, key-sorted JSON.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    writeStandardOutput(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// One network printed by `nasd arch sample`.
private struct SampledNetwork: Encodable {
    var notation: String
    var hash: String
    var parameters: Int?
    var macs: Int?

    init(notation: String, hash: String) {
        self.notation = notation
        self.hash = hash
    }

    init(_ architecture: Architecture, input: TensorShape) throws {
        let analysis = try architecture.analyze(input: input)
        notation = architecture.notation
        hash = architecture.canonicalHash
        parameters = analysis.parameters
        macs = analysis.macs
    }
}
