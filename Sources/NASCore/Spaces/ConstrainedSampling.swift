/// Rejection sampling under parameter and MAC limits, shared by the sequential spaces.
///
/// A network over a limit is never returned: candidates are drawn until one fits, at most
/// `maxAttempts` times, and then a typed error reports the smallest counts seen.
enum ConstrainedSampling {
    /// Draws candidates until one satisfies `constraints` for `input`.
    ///
    /// - Parameters:
    ///   - space: the space's name, for errors.
    ///   - input: the input shape the limits are evaluated at.
    ///   - constraints: the limits; with neither limit set the first candidate is returned
    ///     without analysis.
    ///   - maxAttempts: how many candidates to try before giving up (at least 1).
    ///   - draw: produces one candidate.
    /// - Throws: `SpaceSamplingError`.
    static func sample(
        space: String,
        input: TensorShape,
        constraints: ArchitectureConstraints,
        maxAttempts: Int,
        draw: () -> Architecture
    ) throws(SpaceSamplingError) -> Architecture {
        guard constraints.maxParameters != nil || constraints.maxMACs != nil else {
            return draw()
        }
        var smallestParameters = Int.max
        var smallestMACs = Int.max
        let attempts = max(1, maxAttempts)
        for _ in 0..<attempts {
            let candidate = draw()
            let analysis: ArchitectureAnalysis
            do {
                analysis = try candidate.analyze(input: input)
            } catch {
                throw .impossibleArchitecture(space: space, notation: candidate.notation, error: error)
            }
            smallestParameters = min(smallestParameters, analysis.parameters)
            smallestMACs = min(smallestMACs, analysis.macs)
            if constraints.admits(analysis) {
                return candidate
            }
        }
        throw .noArchitectureWithinConstraints(
            space: space, attempts: attempts, smallestParameters: smallestParameters, smallestMACs: smallestMACs)
    }
}
