/// Throughput measurements of the toolkit's kernels, for `bench/` to print.
///
/// The pure core reads no clock of its own: the caller passes one (`ContinuousClock()`).
public enum NeuralNetworkBenchmark {
    /// One matrix-multiply measurement.
    public struct Measurement: Sendable, Equatable {
        /// The product's extents: `m × k` times `k × n`.
        public var m: Int, n: Int, k: Int
        /// Products timed (after one warm-up product).
        public var repetitions: Int
        /// Threads the kernel was allowed.
        public var threadCount: Int
        /// Wall time of the timed products, in seconds.
        public var seconds: Double
        /// Sustained throughput: `2·m·n·k·repetitions / seconds / 10⁹`.
        public var gigaflopsPerSecond: Double
        /// A checksum of the last product, so the work cannot be optimised away and runs can be compared.
        public var checksum: Double
    }

    /// Times `repetitions` products of a deterministic `m × k` by `k × n` pair of matrices.
    ///
    /// - Parameters:
    ///   - m: rows of the left operand and of the product.
    ///   - n: columns of the right operand and of the product.
    ///   - k: the shared inner extent.
    ///   - repetitions: products timed after one untimed warm-up.
    ///   - parallelism: threads the kernel may use.
    ///   - clock: the clock that times the products (e.g. `ContinuousClock()`).
    /// - Returns: the measurement; `gigaflopsPerSecond` is per process, divide by `threadCount` for per core.
    public static func matrixMultiplyGFLOPS<C: Clock>(
        m: Int = 512, n: Int = 512, k: Int = 512, repetitions: Int = 20,
        parallelism: Parallelism = .serial, clock: C
    ) -> Measurement where C.Duration == Duration {
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 1001) / 1000 - 0.5 }
        let b = (0..<(k * n)).map { Float(($0 * 104_729) % 997) / 996 - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        MatrixMultiply.multiply(m: m, n: n, k: k, a, b, into: &c, parallelism: parallelism)
        let elapsed = clock.measure {
            for _ in 0..<max(1, repetitions) {
                MatrixMultiply.multiply(m: m, n: n, k: k, a, b, into: &c, parallelism: parallelism)
            }
        }
        let components = elapsed.components
        let seconds = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        let flops = 2 * Double(m) * Double(n) * Double(k) * Double(max(1, repetitions))
        return Measurement(
            m: m, n: n, k: k, repetitions: max(1, repetitions), threadCount: parallelism.threadCount,
            seconds: seconds, gigaflopsPerSecond: seconds > 0 ? flops / seconds / 1e9 : 0,
            checksum: c.reduce(0) { $0 + Double($1) })
    }
}
