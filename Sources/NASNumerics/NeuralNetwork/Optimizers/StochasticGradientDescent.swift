/// SGD with momentum and L2 weight decay, exactly as PyTorch's `optim.SGD` (dampening 0):
/// `g ← ∇ + λ·θ`, `v ← μ·v + g` (`v ← g` on the first step), `θ ← θ − η·v` (or `θ − η·(g + μ·v)` with Nesterov).
public struct StochasticGradientDescent: Optimizer, Equatable {
    public var learningRate: Float
    /// The momentum μ (0 for plain SGD).
    public var momentum: Float
    /// The L2 penalty λ added to each gradient.
    public var weightDecay: Float
    /// Whether to use Nesterov momentum.
    public var isNesterov: Bool
    /// One velocity buffer per parameter, created on the first step.
    public private(set) var velocities: [[Float]] = []

    /// Creates the optimizer (Peephole's sample networks: η 0.1, μ 0.9, λ 1e-4).
    public init(learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, isNesterov: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.isNesterov = isNesterov
    }

    public mutating func step(_ parameters: [Parameter]) throws {
        try checkState(velocities, against: parameters, name: "StochasticGradientDescent")
        let isFirstStep = velocities.isEmpty
        if isFirstStep {
            velocities = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        let (learningRate, momentum, weightDecay, isNesterov) = (learningRate, momentum, weightDecay, isNesterov)
        for (index, parameter) in parameters.enumerated() {
            let gradients = parameter.gradient.scalars
            parameter.value.scalars.withUnsafeMutableBufferPointer { values in
                velocities[index].withUnsafeMutableBufferPointer { velocities in
                    for j in 0..<values.count {
                        var gradient = gradients[j] + weightDecay * values[j]
                        if momentum != 0 {
                            let velocity = isFirstStep ? gradient : momentum * velocities[j] + gradient
                            velocities[j] = velocity
                            gradient = isNesterov ? gradient + momentum * velocity : velocity
                        }
                        values[j] -= learningRate * gradient
                    }
                }
            }
        }
    }
}
