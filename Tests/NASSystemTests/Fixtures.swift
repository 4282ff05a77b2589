import Foundation
import NASSystem
import NASTestSupport
import XCTest

/// Paths of the fake child programs in Tests/Fixtures and helpers shared by the system tests.
enum Fixtures {
    static func script(_ name: String) -> String {
        TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/\(name)").path
    }

    /// A configuration that runs a fixture script with /bin/sh.
    static func shell(_ name: String, environment: [String: String]? = nil, directory: String? = nil)
        -> Subprocess.Configuration
    {
        Subprocess.Configuration(
            executable: "/bin/sh", arguments: [script(name)], environment: environment, workingDirectory: directory)
    }

    /// Collects output lines until one satisfies `predicate`; returns every line read so far.
    static func lines(
        of child: Subprocess, until predicate: (Subprocess.OutputLine) -> Bool = { _ in false }
    ) async -> [Subprocess.OutputLine] {
        var lines: [Subprocess.OutputLine] = []
        for await line in child.output {
            lines.append(line)
            if predicate(line) { break }
        }
        return lines
    }
}

/// Asserts that running `body` leaves the number of open descriptors unchanged.
///
/// `body` runs twice and only the second run is measured: the first creates the descriptors that
/// the runtime opens lazily and keeps (dispatch's epoll and eventfd, the resolver's), which are
/// not leaks; a real leak repeats on every run.
func assertNoDescriptorLeak(
    file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async throws {
    try await body()
    let before = try ProcessResources.openDescriptorCount()
    try await body()
    // Reader threads release their descriptors as they finish; wait for that event, bounded.
    var after = try ProcessResources.openDescriptorCount()
    let deadline = monotonicNow() + .seconds(5)
    while after != before && monotonicNow() < deadline {
        try await Task.sleep(for: .milliseconds(10))
        after = try ProcessResources.openDescriptorCount()
    }
    XCTAssertEqual(after, before, "open descriptors before and after", file: file, line: line)
}
