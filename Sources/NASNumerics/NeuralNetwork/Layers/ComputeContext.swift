/// How a forward pass runs: in training or inference mode, and on how many threads.
public struct ComputeContext: Sendable, Hashable {
    /// Training mode: batch normalization uses and updates batch statistics.
    public var isTraining: Bool
    /// Threads the kernels may use; results do not depend on it.
    public var parallelism: Parallelism

    /// Creates a context.
    public init(isTraining: Bool, parallelism: Parallelism = .serial) {
        self.isTraining = isTraining
        self.parallelism = parallelism
    }

    /// Training mode on the calling thread.
    public static let training = ComputeContext(isTraining: true)
    /// Inference mode on the calling thread.
    public static let inference = ComputeContext(isTraining: false)
}
