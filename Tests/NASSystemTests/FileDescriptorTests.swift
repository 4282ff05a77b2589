import Glibc
import NASSystem
import XCTest

final class FileDescriptorTests: XCTestCase {
    func testPipe_bytesWrittenAreRead_andEndOfFileFollowsClose() throws {
        let pipe = try FileDescriptor.makePipe()
        try pipe.writeEnd.write(Array("hello".utf8))
        pipe.writeEnd.close()
        XCTAssertEqual(try pipe.readEnd.readToEnd(), Array("hello".utf8))
        XCTAssertEqual(try pipe.readEnd.read(upToCount: 10), [])
        pipe.readEnd.close()
    }

    func testPipe_endsAreCloseOnExec() throws {
        let pipe = try FileDescriptor.makePipe()
        let flags = try pipe.readEnd.withRawDescriptor("fcntl") { fcntl($0, F_GETFD) }
        XCTAssertEqual(flags & FD_CLOEXEC, FD_CLOEXEC)
    }

    func testClose_isIdempotent_andLaterOperationsFailWithEBADF() throws {
        let pipe = try FileDescriptor.makePipe()
        pipe.writeEnd.close()
        pipe.writeEnd.close()
        XCTAssertTrue(pipe.writeEnd.isClosed)
        XCTAssertThrowsError(try pipe.writeEnd.write([1])) { error in
            XCTAssertEqual((error as? SystemError)?.code, EBADF)
        }
    }

    func testManyPipes_leaveNoDescriptorOpen() async throws {
        try await assertNoDescriptorLeak {
            for _ in 0..<50 {
                let pipe = try FileDescriptor.makePipe()
                try pipe.writeEnd.write([1, 2, 3])
                _ = try pipe.readEnd.read(upToCount: 3)
            }
        }
    }

    func testOpenMissingFile_namesTheCallAndPath() {
        XCTAssertThrowsError(try FileDescriptor.open("/nonexistent/x", flags: O_RDONLY)) { error in
            let description = String(describing: error)
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
            XCTAssertTrue(description.hasPrefix("open(/nonexistent/x): "), description)
        }
    }
}
