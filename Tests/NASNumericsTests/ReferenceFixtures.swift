import Foundation
import NASTestSupport
import XCTest

/// The reference fixtures in `Fixtures/` (made by `Fixtures/make_fixtures.py` with scikit-learn
/// and SciPy) and a fresh run of that script when python3 with those packages is importable.
enum ReferenceFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Decodes a committed fixture file.
    static func committed<Value: Decodable>(_ name: String, as type: Value.Type) throws -> Value {
        try decoder.decode(type, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The fixtures' keys are snake case (`x_train`); the test types' properties camel case.
    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Runs `make_fixtures.py` into a temporary directory and decodes `name` from it.
    ///
    /// - Throws: `XCTSkip` saying why when python3, scikit-learn or SciPy is not importable.
    static func live<Value: Decodable>(_ name: String, as type: Value.Type) throws -> Value {
        let output = try TestEnvironment.makeTemporaryDirectory(prefix: "nasd-fixtures")
        defer { try? FileManager.default.removeItem(at: output) }
        let probe = run(["python3", "-c", "import sklearn, scipy, numpy"])
        guard probe.status == 0 else {
            throw TestEnvironment.skip(
                "live reference comparison skipped: python3 with scikit-learn, SciPy and NumPy is not importable "
                    + "(\(probe.error.trimmingCharacters(in: .whitespacesAndNewlines).suffix(200)))")
        }
        let result = run(["python3", directory.appendingPathComponent("make_fixtures.py").path, output.path])
        guard result.status == 0 else {
            XCTFail("make_fixtures.py failed (status \(result.status)): \(result.error)")
            throw TestEnvironment.skip("make_fixtures.py failed")
        }
        return try decoder.decode(type, from: Data(contentsOf: output.appendingPathComponent(name)))
    }

    private static func run(_ arguments: [String]) -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errorData, as: UTF8.self))
    }
}
