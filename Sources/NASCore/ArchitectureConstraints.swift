/// Limits a search space can carry: a network over them is not proposed (issue 2 §2).
///
/// FLOPs in this project are multiply-accumulates (`ArchitectureAnalysis.macs`). Both limits are
/// optional; `nil` means unlimited. The JSON form is `{"maxParameters": 5000000, "maxMACs": 1000000000}`
/// with either field omitted.
public struct ArchitectureConstraints: Hashable, Sendable, Codable {
    /// The largest admitted parameter count, inclusive; `nil` for no limit.
    public var maxParameters: Int?
    /// The largest admitted multiply-accumulate count, inclusive; `nil` for no limit.
    public var maxMACs: Int?

    /// Creates constraints; omitted limits are unlimited.
    ///
    /// - Parameters:
    ///   - maxParameters: The largest admitted parameter count, inclusive.
    ///   - maxMACs: The largest admitted multiply-accumulate count, inclusive.
    public init(maxParameters: Int? = nil, maxMACs: Int? = nil) {
        self.maxParameters = maxParameters
        self.maxMACs = maxMACs
    }

    /// No limits: every buildable network is admitted.
    public static let unlimited = ArchitectureConstraints()

    /// Why an analysed network is not admitted, or `nil` when it is.
    ///
    /// The parameter limit is checked first, then the MAC limit.
    ///
    /// - Parameter analysis: The network's analysis for the space's input shape.
    /// - Returns: The first limit the network exceeds, with the count and the limit.
    public func violation(of analysis: ArchitectureAnalysis) -> ConstraintViolation? {
        let parameters = analysis.parameters
        if let maxParameters, parameters > maxParameters {
            return .tooManyParameters(count: parameters, limit: maxParameters)
        }
        let macs = analysis.macs
        if let maxMACs, macs > maxMACs {
            return .tooManyMACs(count: macs, limit: maxMACs)
        }
        return nil
    }

    /// Whether an analysed network is within every limit.
    ///
    /// - Parameter analysis: The network's analysis for the space's input shape.
    /// - Returns: `true` when `violation(of:)` finds nothing.
    public func admits(_ analysis: ArchitectureAnalysis) -> Bool {
        violation(of: analysis) == nil
    }

    /// Analyses a network and checks it against the limits.
    ///
    /// - Parameters:
    ///   - architecture: The network.
    ///   - input: The input shape `[C,H,W]`.
    /// - Returns: The analysis, when the network can be built and is within every limit.
    /// - Throws: `ArchitectureError` when the network cannot be built; `ConstraintViolation`
    ///   when it exceeds a limit.
    public func check(_ architecture: Architecture, input: TensorShape) throws -> ArchitectureAnalysis {
        let analysis = try architecture.analyze(input: input)
        if let violation = violation(of: analysis) {
            throw violation
        }
        return analysis
    }
}

/// A limit of `ArchitectureConstraints` that a network exceeds.
public enum ConstraintViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// The network has `count` parameters, more than `limit`.
    case tooManyParameters(count: Int, limit: Int)
    /// The network needs `count` multiply-accumulates, more than `limit`.
    case tooManyMACs(count: Int, limit: Int)

    /// `11309834 parameters exceed the limit of 5000000`.
    public var description: String {
        switch self {
        case .tooManyParameters(let count, let limit): return "\(count) parameters exceed the limit of \(limit)"
        case .tooManyMACs(let count, let limit): return "\(count) MACs exceed the limit of \(limit)"
        }
    }
}
