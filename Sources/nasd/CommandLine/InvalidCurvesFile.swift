import NASCore

/// A curves file that cannot be read (exit status 2), with the path and the located problem.
struct InvalidCurvesFile: InvalidInputError, CustomStringConvertible {
    var path: String
    var error: CurvesFileError
    var description: String { "\(path): \(error)" }
}
