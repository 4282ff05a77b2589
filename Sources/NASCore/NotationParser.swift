/// A recursive-descent parser for the bracket notation (grammar in docs/architecture-model.md).
///
/// Whitespace is allowed between tokens; names are upper case; numbers are decimal integers with
/// an optional minus sign, so that every `Layer` value, even one that `analyze(input:)` would
/// reject, prints to text that parses back to it.
struct NotationParser {
    /// The input, one element per `Character`, so that error offsets count characters.
    private let characters: [Character]
    /// The offset of the next unread character.
    private var position = 0

    init(_ text: String) {
        characters = Array(text)
    }

    /// The layer names, with the arguments each takes, in the order error messages list them.
    private static let signatures: [(name: String, arguments: [String])] = [
        ("C", ["filters", "kernel", "stride"]),
        ("P", ["kernel", "stride"]),
        ("AP", ["kernel", "stride"]),
        ("FC", ["units"]),
        ("GAP", []),
        ("SM", ["classes"]),
        ("BN", []),
        ("RELU", []),
        ("SIGMOID", []),
        ("TANH", []),
        ("D", ["index", "count"]),
    ]

    private static let layerNameList = signatures.map(\.name).joined(separator: ", ")

    /// `architecture := '[' ( layer ( ',' layer )* )? ']'`, surrounded by optional whitespace.
    mutating func parseArchitecture() throws(NotationError) -> [Layer] {
        skipWhitespace()
        try expect("[", context: "at the start of an architecture")
        skipWhitespace()
        var layers: [Layer] = []
        if peek() == "]" {
            position += 1
        } else {
            while true {
                layers.append(try parseLayer())
                skipWhitespace()
                if peek() == "," {
                    position += 1
                    skipWhitespace()
                    continue
                }
                try expect("]", alternative: ",", context: "after a layer")
                break
            }
        }
        try expectEnd()
        return layers
    }

    /// A single layer, surrounded by optional whitespace, and nothing else.
    mutating func parseSingleLayer() throws(NotationError) -> Layer {
        skipWhitespace()
        let layer = try parseLayer()
        try expectEnd()
        return layer
    }

    /// `shape := '[' int ',' int ',' int ']'`, for `TensorShape(notation:)`.
    mutating func parseShape() throws(NotationError) -> [Int] {
        skipWhitespace()
        try expect("[", context: "at the start of a shape [C,H,W]")
        var values: [Int] = []
        for index in 0..<3 {
            skipWhitespace()
            values.append(try parseInteger(naming: ["channels C", "height H", "width W"][index]))
            skipWhitespace()
            if index < 2 {
                try expect(",", context: "between the dimensions of a shape [C,H,W]")
            }
        }
        try expect("]", context: "after the three dimensions of a shape [C,H,W]")
        try expectEnd()
        return values
    }

    /// `layer := NAME ( '(' int ( ',' int )* ')' )?`
    private mutating func parseLayer() throws(NotationError) -> Layer {
        let nameOffset = position
        var name = ""
        while let character = peek(), character.isASCII, character.isUppercase {
            name.append(character)
            position += 1
        }
        guard let signature = Self.signatures.first(where: { $0.name == name }) else {
            let found = name.isEmpty ? describeNext() : "'\(name)'"
            throw NotationError(
                offset: nameOffset, message: "expected a layer name (\(Self.layerNameList)), found \(found)")
        }
        skipWhitespace()
        let argumentsOffset = position
        var arguments: [Int] = []
        if peek() == "(" {
            position += 1
            let expected = signature.arguments
            // `GAP(n)` is MetaQNN's classifier head, distinct from the plain `GAP`.
            let names = name == "GAP" ? ["classes"] : expected
            guard !names.isEmpty else {
                throw NotationError(
                    offset: argumentsOffset, message: "expected ',' or ']' after \(name), which takes no arguments")
            }
            for (index, argumentName) in names.enumerated() {
                skipWhitespace()
                arguments.append(try parseInteger(naming: argumentName, of: name))
                skipWhitespace()
                if index < names.count - 1 {
                    try expect(
                        ",",
                        context: "between the \(names[index]) and the \(names[index + 1]) of \(usage(name, names))")
                }
            }
            try expect(")", context: "after the \(names[names.count - 1]) of \(usage(name, names))")
        } else if !signature.arguments.isEmpty {
            throw NotationError(
                offset: argumentsOffset,
                message:
                    "expected '(' after \(name), as in \(usage(name, signature.arguments)), found \(describeNext())")
        }
        return Self.makeLayer(name, arguments)
    }

    /// Builds the layer once the arity has been checked against `signatures`.
    private static func makeLayer(_ name: String, _ a: [Int]) -> Layer {
        switch (name, a.count) {
        case ("C", 3): return .convolution(filters: a[0], kernel: a[1], stride: a[2])
        case ("P", 2): return .maxPool(kernel: a[0], stride: a[1])
        case ("AP", 2): return .avgPool(kernel: a[0], stride: a[1])
        case ("FC", 1): return .fullyConnected(units: a[0])
        case ("GAP", 1): return .classifierHead(classes: a[0])
        case ("SM", 1): return .softmax(classes: a[0])
        case ("BN", _): return .batchNorm
        case ("RELU", _): return .relu
        case ("SIGMOID", _): return .sigmoid
        case ("TANH", _): return .tanh
        case ("D", 2): return .dropout(index: a[0], count: a[1])
        default: return .globalAveragePool
        }
    }

    private func usage(_ name: String, _ arguments: [String]) -> String {
        "\(name)(\(arguments.joined(separator: ",")))"
    }

    /// `int := '-'? digit+`, within the range of `Int`.
    private mutating func parseInteger(naming argument: String, of layer: String? = nil) throws(NotationError)
        -> Int
    {
        let start = position
        let owner = layer.map { " of \($0)" } ?? ""
        var isNegative = false
        if peek() == "-" {
            isNegative = true
            position += 1
        }
        var value = 0
        var digitCount = 0
        while let character = peek(), character.isASCII, let digit = character.wholeNumberValue {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            // Accumulating with the sign lets `Int.min` round-trip too.
            let (sum, overflow2) =
                isNegative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else {
                throw NotationError(offset: start, message: "the \(argument)\(owner) does not fit in a 64-bit integer")
            }
            value = sum
            digitCount += 1
            position += 1
        }
        guard digitCount > 0 else {
            throw NotationError(
                offset: position, message: "expected the \(argument)\(owner) (an integer), found \(describeNext())")
        }
        return value
    }

    private mutating func expect(_ token: Character, alternative: Character? = nil, context: String)
        throws(NotationError)
    {
        guard peek() == token else {
            let expected = alternative.map { "'\($0)' or '\(token)'" } ?? "'\(token)'"
            throw NotationError(offset: position, message: "expected \(expected) \(context), found \(describeNext())")
        }
        position += 1
    }

    private mutating func expectEnd() throws(NotationError) {
        skipWhitespace()
        guard position == characters.count else {
            throw NotationError(offset: position, message: "expected the end of the text, found \(describeNext())")
        }
    }

    private mutating func skipWhitespace() {
        while let character = peek(), character.isWhitespace {
            position += 1
        }
    }

    private func peek() -> Character? {
        position < characters.count ? characters[position] : nil
    }

    /// `'x'` for the next character, or `the end of the text`.
    private func describeNext() -> String {
        peek().map { "'\($0)'" } ?? "the end of the text"
    }
}
