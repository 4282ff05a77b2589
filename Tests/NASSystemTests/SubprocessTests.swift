import Foundation
import Glibc
import NASSystem
import NASTestSupport
import XCTest

final class SubprocessTests: XCTestCase {
    func testSpawn_readsStdoutAndStderrLines_withEnvironmentAndWorkingDirectory() async throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        try await assertNoDescriptorLeak {
            var environment = ProcessEnvironment.current
            environment["NASD_TRIAL_ID"] = "t-0042"
            let child = try Subprocess.spawn(
                Fixtures.shell("print-lines.sh", environment: environment, directory: directory.path))
            let lines = await Fixtures.lines(of: child)
            let status = await child.waitForExit()
            XCTAssertEqual(status, .exited(0))
            let stdout = lines.filter { $0.stream == .stdout }.map(\.text)
            XCTAssertEqual(
                stdout,
                [
                    "cwd=\(directory.path)", "trial=t-0042", "epoch 1 accuracy 0.1", "epoch 2 accuracy 0.2",
                    "epoch 3 accuracy 0.3", "no trailing newline",
                ])
            XCTAssertEqual(lines.filter { $0.stream == .stderr }.map(\.text), ["warning: fake"])
        }
    }

    func testNonZeroExit_isReportedWithItsStatus_andStderrKept() async throws {
        let child = try Subprocess.spawn(Fixtures.shell("exit-nonzero.sh"))
        let lines = await Fixtures.lines(of: child)
        let status = await child.waitForExit()
        XCTAssertEqual(status, .exited(3))
        XCTAssertFalse(status.isSuccess)
        XCTAssertEqual(status.description, "exited with status 3")
        XCTAssertTrue(lines.contains { $0.stream == .stderr && $0.text == "ValueError: diverged" })
    }

    func testChild_runsInItsOwnProcessGroup() async throws {
        let child = try Subprocess.spawn(Fixtures.shell("ignore-term.sh"))
        _ = await Fixtures.lines(of: child) { $0.text == "ready" }
        XCTAssertEqual(getpgid(child.processID), child.processID)
        XCTAssertNotEqual(getpgid(child.processID), getpgrp())
        child.killGroup()
        let status = await child.waitForExit()
        XCTAssertEqual(status, .signaled(SIGKILL))
    }

    func testTerminate_childThatIgnoresSIGTERM_isKilledAfterTheGrace() async throws {
        try await assertNoDescriptorLeak {
            let child = try Subprocess.spawn(Fixtures.shell("ignore-term.sh"))
            _ = await Fixtures.lines(of: child) { $0.text == "ready" }
            let started = monotonicNow()
            let status = await child.terminate(grace: .milliseconds(300))
            XCTAssertEqual(status, .signaled(SIGKILL))
            XCTAssertGreaterThanOrEqual(monotonicNow() - started, .milliseconds(300))
            XCTAssertFalse(child.isGroupAlive)
            for await _ in child.output {}
        }
    }

    func testTerminate_childThatHonoursSIGTERM_endsBeforeTheGrace() async throws {
        let child = try Subprocess.spawn(
            Subprocess.Configuration(executable: "sleep", arguments: ["30"]))
        let started = monotonicNow()
        let status = await child.terminate(grace: .seconds(20))
        XCTAssertEqual(status, .signaled(SIGTERM))
        XCTAssertLessThan(monotonicNow() - started, .seconds(10))
    }

    func testTerminate_escalatesToSIGKILLForAGrandchildThatIgnoresSIGTERM() async throws {
        let child = try Subprocess.spawn(Fixtures.shell("spawn-grandchild.sh"))
        let lines = await Fixtures.lines(of: child) { $0.text == "ready" }
        let grandchildLine = try XCTUnwrap(lines.first { $0.text.hasPrefix("grandchild ") })
        let grandchild = try XCTUnwrap(pid_t(grandchildLine.text.dropFirst("grandchild ".count)))
        XCTAssertEqual(getpgid(grandchild), child.processID, "the grandchild shares the group")

        let status = await child.terminate(grace: .milliseconds(300))
        XCTAssertEqual(status, .exited(0), "the trainer itself exits on SIGTERM")
        XCTAssertFalse(child.isGroupAlive, "the SIGTERM-ignoring grandchild was killed")
        for await _ in child.output {}  // ends only once the grandchild released the pipes
    }

    func testOverlongLine_isCutAtTheMaximumAndMarkedTruncated() async throws {
        var configuration = Fixtures.shell("long-line.sh")
        configuration.maximumLineLength = 1000
        let child = try Subprocess.spawn(configuration)
        let lines = await Fixtures.lines(of: child)
        _ = await child.waitForExit()
        XCTAssertEqual(lines.map(\.text.count), [1000, 5])
        XCTAssertEqual(lines.map(\.isTruncated), [true, false])
        XCTAssertEqual(lines.last?.text, "after")
    }

    func testSpawn_missingProgram_throwsENOENT() {
        XCTAssertThrowsError(try Subprocess.spawn(.init(executable: "/nonexistent/trainer"))) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
            XCTAssertEqual((error as? SystemError)?.call, "posix_spawn")
        }
    }

    func testChild_doesNotInheritOurDescriptors() async throws {
        let pipe = try FileDescriptor.makePipe()
        defer {
            pipe.readEnd.close()
            pipe.writeEnd.close()
        }
        let child = try Subprocess.spawn(.init(executable: "/bin/sh", arguments: ["-c", "ls /proc/self/fd"]))
        let descriptors = await Fixtures.lines(of: child).map(\.text)
        _ = await child.waitForExit()
        // stdin, stdout, stderr, and the directory ls itself opened to list them.
        XCTAssertLessThanOrEqual(descriptors.count, 4, "\(descriptors)")
    }
}
