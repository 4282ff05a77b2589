import Foundation
import NASTestSupport
import XCTest

/// Debian's `chromium` in headless mode, for screenshots of the report and the dashboard.
///
/// Absent, the tests that need it skip with a message, unless `NASD_REQUIRE_CHROMIUM=1` (set by
/// `.ci/run`, which installs it) makes that a failure.
struct HeadlessChromium {
    var executable: String

    /// The installed browser, or a skip (a failure when CI requires it).
    static func require() throws -> HeadlessChromium {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return HeadlessChromium(executable: candidate)
        }
        let message = "chromium is not installed (apt-get install -y chromium): the report is not rendered"
        if ProcessInfo.processInfo.environment["NASD_REQUIRE_CHROMIUM"] == "1" {
            XCTFail(message)
        }
        throw TestEnvironment.skip(message)
    }

    /// Renders `url` at `width`×`height` and saves a PNG screenshot to `png`.
    ///
    /// - Returns: The PNG's bytes.
    func screenshot(_ url: String, to png: URL, width: Int = 1000, height: Int = 1400) throws -> Data {
        try run([
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(png.deletingLastPathComponent().appendingPathComponent("chromium-profile").path)",
            "--window-size=\(width),\(height)", "--screenshot=\(png.path)", url,
        ])
        return try Data(contentsOf: png)
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            XCTFail("chromium did not finish within 60 s")
        }
    }

    /// The PNG's width and height, from its IHDR chunk.
    static func dimensions(ofPNG data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func integer(at offset: Int) -> Int {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        return (integer(at: 16), integer(at: 20))
    }
}
