import Foundation

/// Seeded weight initialisation with PyTorch's default schemes.
///
/// Every draw comes from the caller's generator (pass NASCore's `SeededGenerator`), so a model is a
/// pure function of its seed. Uniform draws use the top 24 bits of one 64-bit word; normal draws use
/// the Box–Muller transform in double precision.
public enum WeightInitialization {
    /// A uniform draw in `[0, 1)`.
    public static func unitUniform(using generator: inout some RandomNumberGenerator) -> Float {
        Float(generator.next() >> 40) * 0x1p-24
    }

    /// A tensor of draws from `U(-bound, bound)`.
    public static func uniform(
        shape: [Int], bound: Float, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        var tensor = Tensor(shape: shape)
        for index in tensor.scalars.indices {
            tensor.scalars[index] = (2 * unitUniform(using: &generator) - 1) * bound
        }
        return tensor
    }

    /// A tensor of draws from `N(mean, standardDeviation²)`.
    public static func normal(
        shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        var tensor = Tensor(shape: shape)
        var index = 0
        while index < tensor.count {
            // Box–Muller: u1 in (0, 1] keeps the logarithm finite.
            let u1 = (Double(generator.next() >> 11) + 1) * 0x1p-53
            let u2 = Double(generator.next() >> 11) * 0x1p-53
            let radius = (-2 * log(u1)).squareRoot()
            let pair = (radius * cos(2 * Double.pi * u2), radius * sin(2 * Double.pi * u2))
            tensor.scalars[index] = mean + standardDeviation * Float(pair.0)
            if index + 1 < tensor.count {
                tensor.scalars[index + 1] = mean + standardDeviation * Float(pair.1)
            }
            index += 2
        }
        return tensor
    }

    /// PyTorch's default for `Linear` and `Conv2d` weights: `kaiming_uniform_(a: √5)`, which is
    /// `U(-1/√fanIn, 1/√fanIn)`; also the default bias bound.
    public static func defaultBound(fanIn: Int) -> Float {
        fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    }

    /// He et al. (2015) normal initialisation for ReLU networks: `N(0, 2/fanIn)` (`kaiming_normal_`).
    public static func kaimingNormal(
        shape: [Int], fanIn: Int, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        normal(shape: shape, standardDeviation: (2 / Float(max(fanIn, 1))).squareRoot(), using: &generator)
    }

    /// He et al. (2015) uniform initialisation for ReLU networks: `U(±√(6/fanIn))` (`kaiming_uniform_`).
    public static func kaimingUniform(
        shape: [Int], fanIn: Int, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        uniform(shape: shape, bound: (6 / Float(max(fanIn, 1))).squareRoot(), using: &generator)
    }

    /// Glorot & Bengio (2010) uniform initialisation: `U(±gain·√(6/(fanIn+fanOut)))` (`xavier_uniform_`).
    public static func xavierUniform(
        shape: [Int], fanIn: Int, fanOut: Int, gain: Float = 1, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        uniform(shape: shape, bound: gain * (6 / Float(max(fanIn + fanOut, 1))).squareRoot(), using: &generator)
    }

    /// Glorot & Bengio (2010) normal initialisation: `N(0, gain²·2/(fanIn+fanOut))` (`xavier_normal_`).
    public static func xavierNormal(
        shape: [Int], fanIn: Int, fanOut: Int, gain: Float = 1, using generator: inout some RandomNumberGenerator
    ) -> Tensor {
        normal(
            shape: shape, standardDeviation: gain * (2 / Float(max(fanIn + fanOut, 1))).squareRoot(),
            using: &generator)
    }
}
