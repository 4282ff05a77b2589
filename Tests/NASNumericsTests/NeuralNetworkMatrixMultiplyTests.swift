import XCTest

@testable import NASNumerics

final class NeuralNetworkMatrixMultiplyTests: XCTestCase {
    private struct Lcg {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
    }

    private func naiveProduct(
        m: Int, n: Int, k: Int, _ a: [Float], transposeA: Bool, _ b: [Float], transposeB: Bool
    ) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * m + i] : a[i * k + p]
                    let y = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(x) * Double(y)
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    func testProductMatchesNaiveSum_forEveryTransposeAndRaggedShape() {
        var random = Lcg(state: 1)
        for (m, n, k) in [(1, 1, 1), (5, 9, 3), (67, 131, 300), (4, 8, 257), (13, 7, 0)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(m * k)).map { _ in random.next() }
                    let b = (0..<(k * n)).map { _ in random.next() }
                    var c = [Float](repeating: 9, count: m * n)
                    MatrixMultiply.multiply(
                        m: m, n: n, k: k, a, transposeA: transposeA, b, transposeB: transposeB, into: &c,
                        parallelism: Parallelism(threadCount: 3))
                    let expected = naiveProduct(m: m, n: n, k: k, a, transposeA: transposeA, b, transposeB: transposeB)
                    for index in c.indices {
                        XCTAssertEqual(
                            Double(c[index]), expected[index], accuracy: 1e-4 * Double(max(k, 1)),
                            "m=\(m) n=\(n) k=\(k) tA=\(transposeA) tB=\(transposeB) at \(index)")
                    }
                }
            }
        }
    }

    func testAccumulateAddsIntoExistingValues() {
        var random = Lcg(state: 2)
        let (m, n, k) = (9, 17, 11)
        let a = (0..<(m * k)).map { _ in random.next() }
        let b = (0..<(k * n)).map { _ in random.next() }
        var product = [Float](repeating: 0, count: m * n)
        MatrixMultiply.multiply(m: m, n: n, k: k, a, b, into: &product, parallelism: .serial)
        var accumulated = [Float](repeating: 1.5, count: m * n)
        MatrixMultiply.multiply(m: m, n: n, k: k, a, b, into: &accumulated, accumulate: true, parallelism: .serial)
        for index in product.indices {
            XCTAssertEqual(accumulated[index], product[index] + 1.5, accuracy: 1e-5)
        }
    }

    func testResultIsBitIdentical_withOneOrManyThreads() {
        var random = Lcg(state: 3)
        let (m, n, k) = (130, 150, 300)
        let a = (0..<(m * k)).map { _ in random.next() }
        let b = (0..<(k * n)).map { _ in random.next() }
        var serial = [Float](repeating: 0, count: m * n)
        MatrixMultiply.multiply(m: m, n: n, k: k, a, b, transposeB: true, into: &serial, parallelism: .serial)
        for threads in [2, 4, 7] {
            var parallel = [Float](repeating: 0, count: m * n)
            MatrixMultiply.multiply(
                m: m, n: n, k: k, a, b, transposeB: true, into: &parallel,
                parallelism: Parallelism(threadCount: threads))
            XCTAssertEqual(serial.map(\.bitPattern), parallel.map(\.bitPattern), "threads=\(threads)")
        }
    }

    func testTensorMatrixProductRejectsMismatchedInnerExtents() throws {
        let a = Tensor(shape: [2, 3], repeating: 1)
        let b = Tensor(shape: [4, 3], repeating: 1)
        XCTAssertThrowsError(try a.matrixProduct(b)) { error in
            XCTAssertEqual(
                error as? NeuralNetworkError,
                .shapeMismatch(operation: "matrixProduct", expected: [3, -1], actual: [4, 3]))
        }
        let product = try a.matrixProduct(b, transposeOther: true)
        XCTAssertEqual(product.shape, [2, 4])
        XCTAssertEqual(product.scalars, [Float](repeating: 3, count: 8))
    }

    func testBenchmarkReportsPositiveThroughputAndTheProductChecksum() {
        let measurement = NeuralNetworkBenchmark.matrixMultiplyGFLOPS(
            m: 16, n: 16, k: 16, repetitions: 2, clock: ContinuousClock())
        XCTAssertGreaterThan(measurement.gigaflopsPerSecond, 0)
        XCTAssertEqual(measurement.threadCount, 1)
        XCTAssertTrue(measurement.checksum.isFinite)
    }
}
