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

/// Asserts that running `body` leaves the number of open sockets and pipes unchanged.
///
/// Only sockets and pipes are counted — what our code opens. The runtime opens other descriptors
/// lazily and keeps them (dispatch's epoll and eventfd, the resolver's), at moments of its own
/// choosing, which made a count of every descriptor flaky. `body` also runs twice and only the
/// second run is measured, and a real leak repeats on every run.
func assertNoDescriptorLeak(
    file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> Void
) async throws {
    try await body()
    // Reader threads release their descriptors as they finish: let the first run's settle.
    let before = try await settledCount()
    try await body()
    var after = openSocketsAndPipes()
    let deadline = monotonicNow() + .seconds(5)
    while after > before && monotonicNow() < deadline {
        try await Task.sleep(for: .milliseconds(10))
        after = openSocketsAndPipes()
    }
    XCTAssertLessThanOrEqual(after, before, "open sockets and pipes before and after", file: file, line: line)
}

/// The socket and pipe count once it has stopped changing (bounded by two seconds).
private func settledCount() async throws -> Int {
    var previous = openSocketsAndPipes()
    let deadline = monotonicNow() + .seconds(2)
    while monotonicNow() < deadline {
        try await Task.sleep(for: .milliseconds(50))
        let current = openSocketsAndPipes()
        if current == previous { return current }
        previous = current
    }
    return previous
}

/// How many of this process's descriptors are sockets or pipes (from `/proc/self/fd`).
private func openSocketsAndPipes() -> Int {
    let directory = "/proc/self/fd"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return entries.filter { entry in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(entry)")
        else { return false }
        return target.hasPrefix("socket:") || target.hasPrefix("pipe:")
    }.count
}
