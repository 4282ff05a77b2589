extension TensorShape {
    /// Parses a shape written `[C,H,W]`, e.g. `[3,32,32]`, as the CLI and the curves file do.
    ///
    /// - Parameter notation: Three integers in square brackets, separated by commas;
    ///   whitespace is allowed between tokens.
    /// - Throws: `NotationError` with the character offset and what was expected there.
    public init(notation: String) throws(NotationError) {
        var parser = NotationParser(notation)
        let values = try parser.parseShape()
        self.init(channels: values[0], height: values[1], width: values[2])
    }

    /// The number of elements, `C·H·W` (what a flattening layer receives).
    ///
    /// Wraps around on overflow; `Architecture.analyze(input:)` checks its arithmetic.
    public var elementCount: Int { channels &* height &* width }

}
