import Foundation

/// Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient, exactly as PyTorch's
/// `optim.Adam` (not AdamW): `g ← ∇ + λ·θ`, `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `θ ← θ − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)`. RNAS trains with it (§4).
public struct Adam: Optimizer, Equatable {
    public var learningRate: Float
    /// The decay of the first-moment estimate β₁.
    public var beta1: Float
    /// The decay of the second-moment estimate β₂.
    public var beta2: Float
    /// Added to the denominator for stability.
    public var epsilon: Float
    /// The L2 penalty λ added to each gradient.
    public var weightDecay: Float
    /// Steps taken so far (t).
    public private(set) var stepCount = 0
    /// First-moment estimates, one buffer per parameter.
    public private(set) var firstMoments: [[Float]] = []
    /// Second-moment estimates, one buffer per parameter.
    public private(set) var secondMoments: [[Float]] = []

    /// Creates the optimizer with PyTorch's defaults.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func step(_ parameters: [Parameter]) throws {
        try checkState(firstMoments, against: parameters, name: "Adam")
        if firstMoments.isEmpty {
            firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            secondMoments = firstMoments
        }
        stepCount += 1
        let firstCorrection = 1 - Float(pow(Double(beta1), Double(stepCount)))
        let secondCorrectionRoot = Float((1 - pow(Double(beta2), Double(stepCount))).squareRoot())
        let stepSize = learningRate / firstCorrection
        let (beta1, beta2, epsilon, weightDecay) = (beta1, beta2, epsilon, weightDecay)
        for (index, parameter) in parameters.enumerated() {
            let gradients = parameter.gradient.scalars
            parameter.value.scalars.withUnsafeMutableBufferPointer { values in
                firstMoments[index].withUnsafeMutableBufferPointer { firstMoments in
                    secondMoments[index].withUnsafeMutableBufferPointer { secondMoments in
                        for j in 0..<values.count {
                            let gradient = gradients[j] + weightDecay * values[j]
                            let first = beta1 * firstMoments[j] + (1 - beta1) * gradient
                            let second = beta2 * secondMoments[j] + (1 - beta2) * gradient * gradient
                            firstMoments[j] = first
                            secondMoments[j] = second
                            let denominator = second.squareRoot() / secondCorrectionRoot + epsilon
                            values[j] -= stepSize * first / denominator
                        }
                    }
                }
            }
        }
    }
}
