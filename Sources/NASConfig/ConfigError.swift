/// Why a configuration could not be read: a syntax error in the YAML subset, or a value that does
/// not fit the typed run configuration.
///
/// Every error names the file, the line and column, the key path it concerns (empty for syntax
/// errors and for the top-level map) and what was expected. `description` is the form the
/// command line prints:
///
/// ```
/// demo.yaml:12:15: error: strategy.epsilon_schedule[2].models: expected an integer ≥ 1, found 'abc'
/// demo.yaml:3:1: error: sead: unknown key
/// hint: did you mean 'seed'?
/// ```
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as given by the caller (used only in messages).
    public var file: String
    /// Where the offending text starts.
    public var position: SourcePosition
    /// The key path of the offending value, such as `strategy.epsilon_schedule[2].models`; empty
    /// for syntax errors and for errors about the top-level map itself.
    public var keyPath: String
    /// What is wrong, in one line.
    public var message: String
    /// An optional suggestion, such as `did you mean 'seed'?`.
    public var hint: String?

    /// Creates an error.
    public init(file: String, position: SourcePosition, keyPath: String = "", message: String, hint: String? = nil) {
        self.file = file
        self.position = position
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// The line of `position`.
    public var line: Int { position.line }

    /// The column of `position`.
    public var column: Int { position.column }

    /// The first line of `description`: `FILE:LINE:COL: error: [KEYPATH: ]MESSAGE`.
    public var headline: String {
        var text = "\(file):\(position.line):\(position.column): error: "
        if !keyPath.isEmpty {
            text += "\(keyPath): "
        }
        return text + message
    }

    /// `headline`, followed by `hint: HINT` on a second line when there is a hint.
    public var description: String {
        guard let hint else { return headline }
        return headline + "\nhint: " + hint
    }
}
