/// Why a bracket-notation string could not be parsed: names the character offset.
///
/// The offset counts `Character`s from the start of the string (0-based), so for the ASCII text
/// the notation is written in it is also the byte offset. The message says what was expected
/// there and what was found, e.g. `expected ',' or ']' after a layer, found 'X'`.
public struct NotationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 0-based character offset at which parsing failed.
    public var offset: Int
    /// What was expected at `offset`, and what was found instead.
    public var message: String

    /// Creates a parse error at a character offset.
    ///
    /// - Parameters:
    ///   - offset: The 0-based character offset at which parsing failed.
    ///   - message: What was expected there and what was found.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `offset N: message`.
    public var description: String { "offset \(offset): \(message)" }
}
