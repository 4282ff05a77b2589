/// A test's own setup went wrong (an error, so the test fails rather than skips).
struct SetupFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
