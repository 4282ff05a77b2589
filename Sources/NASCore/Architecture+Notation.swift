extension Architecture: CustomStringConvertible {
    /// Parses bracket notation such as `[C(64,3,1), P(2,2), SM(10)]`.
    ///
    /// The grammar is in docs/architecture-model.md: layers separated by commas inside square
    /// brackets, whitespace allowed between tokens. Parsing checks only the syntax and the number
    /// of arguments of each layer; `analyze(input:)` checks that the network can be built.
    ///
    /// - Parameter notation: The bracket notation, e.g. a MetaQNN log string.
    /// - Throws: `NotationError` with the character offset and what was expected there.
    public init(notation: String) throws(NotationError) {
        var parser = NotationParser(notation)
        self.init(layers: try parser.parseArchitecture())
    }

    /// The bracket notation; `Architecture(notation: a.notation) == a` and, for any string `s`
    /// that parses, `Architecture(notation: s).notation == s` when `s` is in canonical spacing
    /// (`", "` between layers, no spaces inside parentheses), as MetaQNN wrote it.
    public var notation: String {
        notation(skippingDropout: false)
    }

    /// The notation, with the dropout layers left out when `skippingDropout`, written into one string.
    private func notation(skippingDropout: Bool) -> String {
        var text = "["
        text.reserveCapacity(12 * layers.count + 2)
        var first = true
        for layer in layers where !(skippingDropout && layer.isDropout) {
            if !first { text += ", " }
            first = false
            layer.appendNotation(to: &text)
        }
        text += "]"
        return text
    }

    /// The identity of the network for "already trained?": the notation with dropout removed.
    ///
    /// Dropout changes how a network is trained, not which network it is; MetaQNN inserted its
    /// `D(i,n)` layers after the fact (ALGORITHMS.md §1), so two strings that differ only in
    /// dropout name the same network.
    public var canonicalNotation: String {
        notation(skippingDropout: true)
    }

    /// The architecture without its dropout layers, whose `notation` is `canonicalNotation`.
    public var canonical: Architecture {
        Architecture(layers: layers.filter { !$0.isDropout })
    }

    /// A stable hex hash (SHA-256) of `canonicalNotation`.
    ///
    /// 64 lowercase hexadecimal digits of the SHA-256 digest of the UTF-8 bytes of
    /// `canonicalNotation`; stable across runs, machines and versions of nasd.
    public var canonicalHash: String {
        SHA256.hexDigest(of: canonicalNotation)
    }

    /// The bracket notation (`notation`).
    public var description: String { notation }
}
