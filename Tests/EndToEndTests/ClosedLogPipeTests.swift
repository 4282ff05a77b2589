import Foundation
import XCTest

/// A daemon or worker whose standard error is a pipe nobody reads any more (`nasd serve 2>&1 | head`,
/// a log collector that died) must keep working: a log line it cannot write is lost, not fatal.
final class ClosedLogPipeTests: EndToEndTestCase {
    func testDaemonWhoseLogReaderIsGone_keepsServing() async throws {
        let state = try makeTemporaryDirectory()
        let port = try FreePort.pick()
        // `head -n 1` reads the "serving …" line and exits; every later log line meets a closed pipe.
        let pipeline = try ManagedProcess.start(
            name: "nasd serve | head -n 1", executable: "/bin/sh",
            arguments: [
                "-c", #""$0" serve --state-dir "$1" --listen "127.0.0.1:$2" 2>&1 | head -n 1; wait"#,
                NASDCommand.executable, state.path, String(port),
            ])
        track(pipeline)
        try await eventually("the daemon to serve its control socket", timeout: 30) {
            try await self.nasd(["workers", "--json"], stateDirectory: state).exitCode == 0 ? true : nil
        }
        try await eventually("head to have read the first log line", timeout: 10) {
            pipeline.output.contains("serving state directory") ? true : nil
        }
        // The daemon logs the submission ("run 'piped' created") into the closed pipe.
        let configuration = try write(
            BrokenConfiguration.valid.replacingOccurrences(of: "broken", with: "piped"),
            to: "piped.yaml", in: state)
        try await submit(configuration, to: DaemonInstance(process: pipeline, stateDirectory: state, port: port))
        for _ in 1...5 {
            try await Task.sleep(for: .milliseconds(100))
            let workers = try await nasd(["workers", "--json"], stateDirectory: state)
            XCTAssertEqual(workers.exitCode, 0, "the daemon died after logging into a closed pipe: \(workers)")
            if workers.exitCode != 0 { break }
        }
    }

    func testWorkerWhoseLogReaderIsGone_keepsRunning() async throws {
        let state = try makeTemporaryDirectory()
        let daemon = try await startDaemon(stateDirectory: state)
        let pipeline = try ManagedProcess.start(
            name: "nasd worker | head -n 1", executable: "/bin/sh",
            arguments: [
                "-c", #""$0" worker --connect "$1" --token-file "$2" --id piped 2>&1 | head -n 1; wait"#,
                NASDCommand.executable, daemon.workerEndpoint, daemon.tokenFile,
            ])
        track(pipeline)
        try await eventually("the worker to connect", timeout: 30) {
            try await self.workers(of: daemon).contains { $0.id == "piped" } ? true : nil
        }
        // Every trial start and end is a log line the worker cannot write.
        let configuration = try write(
            BrokenConfiguration.valid.replacingOccurrences(of: "broken", with: "piped"), to: "piped.yaml", in: state)
        try await submit(configuration, to: daemon)
        let status = try await waitForRunToEnd("piped", in: state, timeout: 20)
        XCTAssertEqual(status.state, "finished")
        XCTAssertEqual(status.counts.failed, 0)
        let workers = try await workers(of: daemon)
        XCTAssertEqual(workers.map(\.id), ["piped"], "the worker died after logging into a closed pipe")
    }
}
