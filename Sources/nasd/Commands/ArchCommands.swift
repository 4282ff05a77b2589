import Foundation
import NASCore

/// `nasd arch parse|info|sample`.
enum ArchCommands {
    static var all: [CommandSpec] { [parse, info, sample] }

    static let inputOption = OptionSpec.value("input", "C,H,W", "Input shape (default 3,32,32).")
    static let jsonOption = OptionSpec.flag("json", "Print JSON instead of text.")

    static let parse = CommandSpec(
        ["arch", "parse"], summary: "Parse a network (bracket notation, JSON or a cell) and print its forms.",
        positionals: ["ARCH"], options: [jsonOption],
        discussion: """
            ARCH is bracket notation such as '[C(64,3,1), P(2,2), SM(10)]', a JSON object {"layers": [...]}, \
            a NAS-Bench-201 string ('|nor_conv_3x3~0|+|…|') or a NAS-Bench-101 cell in cell notation \
            ('input,conv3x3-bn-relu,output;0>1,1>2'). The hash is the network's identity in a run (isomorphic \
            cells share it); a NAS-Bench-101 cell also gets its module hash, the benchmark's key.
            """
    ) { arguments in
        let architecture: Architecture
        switch try readNetwork(arguments.positionals[0]) {
        case .sequential(let sequential): architecture = sequential
        case let network: return try printCellForms(network, json: arguments.has("json"))
        }
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
        positionals: ["ARCH"],
        options: [
            inputOption,
            .value("classes", "N", "Cells: classes of the skeleton's classifier (default 10)."),
            jsonOption,
        ],
        discussion: """
            ARCH is bracket notation or a JSON object {"layers": [...]}, as for arch parse; or a cell: \
            a NAS-Bench-201 string ('|nor_conv_3x3~0|+|…|'), whose network is counted as NAS-Bench-201 counts \
            it (parameters and FLOPs; --input's height sets the resolution, 16 for ImageNet16-120), or a \
            NAS-Bench-101 cell in cell notation ('input,conv3x3-bn-relu,output;0>1,1>2'), whose network's \
            parameters are counted as NAS-Bench-101 counts them (no MACs).
            """
    ) { arguments in
        let input = try readShape(arguments.value("input"), command: arguments.command)
        let classes = try arguments.integer("classes", default: 10, range: 2...1_000_000)
        let architecture: Architecture
        switch try readNetwork(arguments.positionals[0]) {
        case .sequential(let sequential): architecture = sequential
        case .nb201(let cell):
            return try printCellInfo(nasBench201Info(cell, input: input, classes: classes), json: arguments.has("json"))
        case .cell(let cell):
            return try printCellInfo(nasBench101Info(cell, input: input, classes: classes), json: arguments.has("json"))
        }
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

    /// `arch parse` of a cell: its notation, canonical form and hashes.
    private static func printCellForms(_ network: Network, json: Bool) throws -> Int32 {
        let forms = CellForms(
            notation: network.notation, kind: network.nb201Cell == nil ? "cell" : "nb201",
            canonical: network.canonicalNotation, hash: network.canonicalHash,
            nasBench101Hash: try network.cell?.nasBench101Hash())
        if json {
            try printJSON(forms)
        } else {
            var lines = [
                "notation:  \(forms.notation)", "canonical: \(forms.canonical)", "hash:      \(forms.hash)",
            ]
            if let key = forms.nasBench101Hash { lines.append("NAS-Bench-101 module hash: \(key)") }
            writeStandardOutput(lines.joined(separator: "\n"))
        }
        return ExitStatus.success
    }

    /// `arch info` of a NAS-Bench-201 cell: its network's size as the benchmark counts it.
    private static func nasBench201Info(
        _ cell: NASBench201Cell, input: TensorShape, classes: Int
    ) -> (info: CellInfo, lines: [String]) {
        let size = NASBench201Network(classes: classes, inputSide: input.height).size(of: cell)
        let info = CellInfo(
            notation: cell.notation, kind: "nb201", input: input, classes: classes, parameters: size.parameters,
            flops: size.flops)
        var table = TextTable(columns: ["edge", "operation"])
        for (edge, operation) in zip(NASBench201Cell.edges, cell.operations) {
            table.add(["\(edge.from)→\(edge.to)", operation.rawValue])
        }
        return (
            info,
            [
                cell.notation, table.render(),
                "NAS-Bench-201 network: stem, 3 stages of 5 cells (16, 32, 64 channels), \(classes) classes, "
                    + "input \(input)",
                "parameters: \(size.parameters.formatted())   FLOPs: \(size.flops.formatted())",
            ]
        )
    }

    /// `arch info` of a NAS-Bench-101 cell: its network's parameters as the benchmark counts them.
    private static func nasBench101Info(
        _ cell: Cell, input: TensorShape, classes: Int
    ) throws(CellError) -> (info: CellInfo, lines: [String]) {
        var skeleton = NASBench101Network()
        skeleton.classes = classes
        let pruned = try cell.pruned()
        let info = CellInfo(
            notation: try cell.canonicalNotation(), kind: "cell", input: input, classes: classes,
            parameters: try skeleton.parameters(of: cell), flops: nil)
        return (
            info,
            [
                info.notation, "\(pruned.vertexCount) vertices, \(pruned.edgeCount) edges after pruning",
                "NAS-Bench-101 network: stem, 3 stacks of 3 cells (128, 256, 512 channels), \(classes) classes",
                "parameters: \(info.parameters.formatted())   (MACs are not counted for cells)",
            ]
        )
    }

    private static func printCellInfo(_ cell: (info: CellInfo, lines: [String]), json: Bool) throws -> Int32 {
        if json {
            try printJSON(cell.info)
        } else {
            for line in cell.lines { writeStandardOutput(line) }
        }
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

    /// Reads any network: a sequential one as `readArchitecture` does (bracket notation or JSON),
    /// otherwise a NAS-Bench-201 string or cell notation (`Network(notation:)`).
    static func readNetwork(_ text: String) throws -> Network {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("[") || trimmed.hasPrefix("{") { return .sequential(try readArchitecture(trimmed)) }
        return try Network(notation: trimmed)
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

/// `nasd arch parse --json` output for a cell.
private struct CellForms: Encodable {
    var notation: String
    /// `nb201` or `cell` (NAS-Bench-101).
    var kind: String
    var canonical: String
    var hash: String
    /// NAS-Bench-101's module hash; null for a NAS-Bench-201 cell.
    var nasBench101Hash: String?

    enum CodingKeys: String, CodingKey {
        case notation, kind, canonical, hash
        case nasBench101Hash = "nasbench101_hash"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notation, forKey: .notation)
        try container.encode(kind, forKey: .kind)
        try container.encode(canonical, forKey: .canonical)
        try container.encode(hash, forKey: .hash)
        try container.encode(nasBench101Hash, forKey: .nasBench101Hash)
    }
}

/// `nasd arch info --json` output for a cell.
private struct CellInfo: Encodable {
    var notation: String
    /// `nb201` or `cell` (NAS-Bench-101).
    var kind: String
    var input: TensorShape
    var classes: Int
    var parameters: Int
    /// NAS-Bench-201's FLOPs; null for a NAS-Bench-101 cell.
    var flops: Int?

    enum CodingKeys: String, CodingKey { case notation, kind, input, classes, parameters, flops }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notation, forKey: .notation)
        try container.encode(kind, forKey: .kind)
        try container.encode(input, forKey: .input)
        try container.encode(classes, forKey: .classes)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(flops, forKey: .flops)
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
extension NetworkNotationError: InvalidInputError {}
extension CellError: InvalidInputError {}
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
