import NASCore
import XCTest

/// SHA-256 against the NIST example vectors (FIPS 180-4 examples, "SHA256.pdf" of the CSRC
/// examples page) and the long-message vectors of FIPS 180-2 Appendix B.
final class SHA256Tests: XCTestCase {
    func testHexDigest_ofABC_matchesNISTOneBlockVector() {
        XCTAssertEqual(
            SHA256.hexDigest(of: "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testHexDigest_ofEmptyString_matchesNISTVector() {
        XCTAssertEqual(
            SHA256.hexDigest(of: ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testHexDigest_of448BitMessage_matchesNISTTwoBlockVector() {
        XCTAssertEqual(
            SHA256.hexDigest(of: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testHexDigest_of896BitMessage_matchesNISTVector() {
        let message =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
            + "mnopqrstnopqrstu"
        XCTAssertEqual(
            SHA256.hexDigest(of: message), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testHexDigest_ofOneMillionAs_matchesNISTLongMessageVector() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        XCTAssertEqual(
            SHA256.hexDigest(of: bytes), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testDigest_atPaddingBoundaries_hasThirtyTwoBytesAndDiffersByLength() {
        // 55, 56 and 64 bytes straddle the one-block / two-block padding boundary.
        let digests = [55, 56, 63, 64, 65].map { SHA256.digest(of: [UInt8](repeating: 0x61, count: $0)) }
        XCTAssertTrue(digests.allSatisfy { $0.count == 32 })
        XCTAssertEqual(Set(digests).count, digests.count)
    }

    func testHexDigest_ofString_hashesItsUTF8Bytes() {
        XCTAssertEqual(SHA256.hexDigest(of: "é×"), SHA256.hexDigest(of: Array("é×".utf8)))
    }
}
