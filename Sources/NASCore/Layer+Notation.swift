extension Layer: CustomStringConvertible {
    /// The layer in bracket notation, e.g. `C(64,3,1)`, `GAP`, `GAP(10)` or `D(1,5)`.
    ///
    /// Numbers are printed in decimal without spaces, as MetaQNN wrote them; `Layer(notation:)`
    /// reads the result back to the same value.
    public var notation: String {
        var text = ""
        appendNotation(to: &text)
        return text
    }

    /// Appends `notation` to `text` (an architecture's notation is written into one string).
    func appendNotation(to text: inout String) {
        switch self {
        case .convolution(let filters, let kernel, let stride): text.appendCall("C", filters, kernel, stride)
        case .maxPool(let kernel, let stride): text.appendCall("P", kernel, stride)
        case .avgPool(let kernel, let stride): text.appendCall("AP", kernel, stride)
        case .fullyConnected(let units): text.appendCall("FC", units)
        case .globalAveragePool: text += "GAP"
        case .classifierHead(let classes): text.appendCall("GAP", classes)
        case .softmax(let classes): text.appendCall("SM", classes)
        case .batchNorm: text += "BN"
        case .relu: text += "RELU"
        case .sigmoid: text += "SIGMOID"
        case .tanh: text += "TANH"
        case .dropout(let index, let count): text.appendCall("D", index, count)
        }
    }

    /// The bracket notation (`notation`).
    public var description: String { notation }

    /// Parses one layer in bracket notation, e.g. `C(64,3,1)`.
    ///
    /// - Parameter notation: One layer, optionally surrounded by whitespace.
    /// - Throws: `NotationError` with the character offset and what was expected.
    public init(notation: String) throws(NotationError) {
        var parser = NotationParser(notation)
        self = try parser.parseSingleLayer()
    }

    /// Whether this is a dropout layer `D(i,n)`, which the canonical form leaves out.
    public var isDropout: Bool {
        if case .dropout = self { return true }
        return false
    }

    /// The dropout rate of `D(index,count)`, `0.5·index/count` as in MetaQNN's original code;
    /// `nil` for other layers and for a non-positive count.
    public var dropoutRate: Double? {
        guard case .dropout(let index, let count) = self, count > 0 else { return nil }
        return 0.5 * Double(index) / Double(count)
    }
}

extension String {
    /// Appends `name(a,b,…)`, a layer's form in bracket notation.
    fileprivate mutating func appendCall(_ name: String, _ arguments: Int...) {
        self += name
        self += "("
        for (offset, argument) in arguments.enumerated() {
            if offset > 0 { self += "," }
            self += String(argument)
        }
        self += ")"
    }
}
