import Foundation
import XCTest

/// Locations and scratch space shared by every test target.
///
/// Tests read real data from `../shared/data` beside the package root (or `$NASD_SHARED/data`),
/// never from a copy inside the repository, and write only into their own temporary directory.
public enum TestEnvironment {
    /// The package root, derived from this file's path at compile time.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // NASTestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()
    }

    /// The shared data folder: `$NASD_SHARED/data`, else `<package root>/../shared/data`.
    public static var sharedData: URL {
        if let shared = ProcessInfo.processInfo.environment["NASD_SHARED"], !shared.isEmpty {
            return URL(fileURLWithPath: shared).appendingPathComponent("data")
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// A file under the shared data folder, e.g. `sharedFile("metaqnn-replay/replay_database.csv")`.
    ///
    /// - Throws: `XCTSkip` naming the missing file when it is not there (a fresh clone without
    ///   `../shared` beside it), so the test is reported as skipped with the reason rather than
    ///   passing vacuously; `TestEnvironmentError.missingSharedFile` instead when
    ///   `NASD_REQUIRE_SHARED=1` (set by `.ci/run`, where the data must be present), so CI never
    ///   skips these tests silently.
    public static func sharedFile(
        _ relativePath: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> URL {
        let url = sharedData.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            if isSharedDataRequired {
                throw TestEnvironmentError.missingSharedFile(url.path)
            }
            throw skip(TestEnvironmentError.missingSharedFile(url.path).description, file: file, line: line)
        }
        return url
    }

    /// Whether a missing shared data file is a failure rather than a skip (`NASD_REQUIRE_SHARED=1`).
    public static var isSharedDataRequired: Bool {
        ProcessInfo.processInfo.environment["NASD_REQUIRE_SHARED"] == "1"
    }

    /// The built `nasd` binary: `$NASD_BIN`, else `<package root>/.build/debug/nasd`.
    public static var nasdBinary: URL {
        if let bin = ProcessInfo.processInfo.environment["NASD_BIN"], !bin.isEmpty {
            return URL(fileURLWithPath: bin)
        }
        return packageRoot.appendingPathComponent(".build/debug/nasd")
    }

    /// An optimized build of `nasd` (`$NASD_RELEASE_BIN`; `make test` builds one and sets it), for
    /// the tests whose goals are stated for an optimized build (the demo's two minutes: its
    /// predictors' numerics are 10–100× slower in a debug build); nil when unset.
    public static var optimizedNasdBinary: URL? {
        guard let bin = ProcessInfo.processInfo.environment["NASD_RELEASE_BIN"], !bin.isEmpty else { return nil }
        return URL(fileURLWithPath: bin)
    }

    /// An `XCTSkip` saying why a test cannot run here, also appended as one line to `$NASD_SKIP_LOG`
    /// when it is set: `swift test --parallel`'s xUnit file does not record skips, so `make test`
    /// counts them from that file (`.ci/test-summary`). Throw it: `throw TestEnvironment.skip("…")`.
    public static func skip(_ reason: String, file: StaticString = #filePath, line: UInt = #line) -> XCTSkip {
        if let path = ProcessInfo.processInfo.environment["NASD_SKIP_LOG"], !path.isEmpty {
            let name = URL(fileURLWithPath: "\(file)").lastPathComponent
            let entry = "\(name):\(line): \(reason.replacingOccurrences(of: "\n", with: " "))\n"
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                // One write of one short line: appends from parallel test processes do not interleave.
                _ = entry.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
                close(descriptor)
            }
        }
        return XCTSkip(reason, file: file, line: line)
    }

    /// A fresh, short-pathed temporary directory (short so Unix socket paths fit in `sun_path`).
    public static func makeTemporaryDirectory(prefix: String = "nasd") throws -> URL {
        let base = URL(fileURLWithPath: "/tmp", isDirectory: true)
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Why a test could not find what it needs.
public enum TestEnvironmentError: Error, CustomStringConvertible {
    case missingSharedFile(String)

    public var description: String {
        switch self {
        case .missingSharedFile(let path):
            return "shared data file not found: \(path) (set NASD_SHARED or place shared/ beside the package)"
        }
    }
}
