import Foundation
import Glibc
import NASSystem
import NASTestSupport
import XCTest

final class FileLockTests: XCTestCase {
    func testSecondAcquire_isRefusedNamingTheHolder_untilReleased() throws {
        let path = try TestEnvironment.makeTemporaryDirectory().appendingPathComponent("nasd.lock").path
        let lock = try FileLock.acquire(path: path)
        XCTAssertThrowsError(try FileLock.acquire(path: path)) { error in
            XCTAssertEqual(error as? FileLockError, .heldByAnotherProcess(path: path, pid: getpid()))
            XCTAssertTrue(String(describing: error).contains("another nasd daemon"))
        }
        lock.release()
        let again = try FileLock.acquire(path: path)
        again.release()
    }
}

final class SecureRandomTests: XCTestCase {
    func testBytes_haveTheRequestedLength_andDiffer() throws {
        let first = try SecureRandom.bytes(count: 32)
        let second = try SecureRandom.bytes(count: 32)
        XCTAssertEqual(first.count, 32)
        XCTAssertNotEqual(first, second)
        let token = try SecureRandom.hexString(byteCount: 32)
        XCTAssertEqual(token.count, 64)
        XCTAssertTrue(token.allSatisfy { "0123456789abcdef".contains($0) })
    }
}

final class AtomicFileTests: XCTestCase {
    func testWrite_createsMode0600_replacesContents_andLeavesNoTemporaryFile() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory()
        let path = directory.appendingPathComponent("token").path
        try AtomicFile.write(Array("first".utf8), to: path)
        try AtomicFile.write(Array("second".utf8), to: path)
        XCTAssertEqual(try AtomicFile.read(path), Array("second".utf8))
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["token"])
    }

    func testWrite_intoAMissingDirectory_failsAndNamesTheFile() throws {
        XCTAssertThrowsError(try AtomicFile.write([1], to: "/nonexistent-dir/token")) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
            XCTAssertTrue((error as? SystemError)?.context.contains("/nonexistent-dir/token") ?? false)
        }
    }
}

final class ProcessResourcesTests: XCTestCase {
    func testPeakResidentSize_isAtLeastTheCurrentOne() throws {
        let current = try ProcessResources.residentBytes()
        let peak = try ProcessResources.peakResidentBytes()
        XCTAssertGreaterThan(current, 1 << 20)
        XCTAssertGreaterThanOrEqual(peak, current)
    }

    func testMonotonicNow_neverGoesBackwards() {
        let first = monotonicNow()
        let second = monotonicNow()
        XCTAssertGreaterThanOrEqual(second, first)
        XCTAssertGreaterThan(first, .zero)
    }
}

final class SignalsTests: XCTestCase {
    func testStream_deliversACaughtSignal_insteadOfItsDefaultAction() async throws {
        let signals = try Signals.stream(of: [SIGUSR1])
        kill(getpid(), SIGUSR1)
        var iterator = signals.makeAsyncIterator()
        let received = await iterator.next()
        XCTAssertEqual(received, SIGUSR1)
    }

    func testIgnoreBrokenPipe_turnsAWriteToAClosedPipeIntoEPIPE() throws {
        Signals.ignoreBrokenPipe()
        let pipe = try FileDescriptor.makePipe()
        pipe.readEnd.close()
        XCTAssertThrowsError(try pipe.writeEnd.write([1])) {
            XCTAssertEqual(($0 as? SystemError)?.code, EPIPE)
        }
        pipe.writeEnd.close()
    }
}
