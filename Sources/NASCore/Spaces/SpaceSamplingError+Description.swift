extension SpaceSamplingError: CustomStringConvertible {
    /// One line for a person, naming the limits and how far the space is from them.
    public var description: String {
        switch self {
        case .noArchitectureWithinConstraints(let space, let attempts, let parameters, let macs):
            return "none of \(attempts) networks sampled from the \(space) space fits the limits (the smallest had "
                + "\(parameters) parameters and \(macs) MACs); raise space.limits or shrink the space"
        case .impossibleArchitecture(let space, let notation, let error):
            return "the \(space) space built \(notation), which cannot be built: \(error)"
        case .noValidCell(let attempts):
            return "none of \(attempts) random graphs gave a cell within the cell space's limits"
        }
    }
}
