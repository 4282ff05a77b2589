import Foundation

/// The kernel of a support vector machine.
public enum SVMKernel: Hashable, Sendable, Codable {
    /// `k(x, z) = xᵀz`.
    case linear
    /// `k(x, z) = exp(−γ‖x − z‖²)`, γ > 0.
    case rbf(gamma: Double)

    /// The kernel value of two points given as buffers of equal length.
    func value(_ x: UnsafeBufferPointer<Double>, _ z: UnsafeBufferPointer<Double>) -> Double {
        switch self {
        case .linear:
            var sum = 0.0
            for k in 0..<x.count { sum += x[k] * z[k] }
            return sum
        case .rbf(let gamma):
            var sum = 0.0
            for k in 0..<x.count {
                let difference = x[k] - z[k]
                sum += difference * difference
            }
            return exp(-gamma * sum)
        }
    }

    /// The kernel value of two points of equal length.
    public func value(_ x: [Double], _ z: [Double]) -> Double {
        precondition(x.count == z.count, "kernel arguments differ in length (\(x.count) and \(z.count))")
        return x.withUnsafeBufferPointer { x in z.withUnsafeBufferPointer { z in value(x, z) } }
    }
}
