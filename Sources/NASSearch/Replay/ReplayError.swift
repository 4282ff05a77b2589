/// Why a replayed search could not go on.
public enum ReplayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The strategy proposed a network the table does not hold (the data does not cover the space).
    case networkNotRecorded(notation: String)
    /// The strategy asked to continue a proposal it never made.
    case unknownProposal(Int)
    /// The strategy failed.
    case strategy(StrategyError)
    /// The strategy made `proposals` proposals without training a new network often enough to
    /// reach the budget (it keeps proposing networks already trained).
    case stalled(proposals: Int, trained: Int)
    /// A configuration was to be trained `needed` epochs but its row, which records `recorded`,
    /// does not record every epoch 1…needed (Hyperband's replay serves prefixes epoch by epoch).
    case curveTooShort(notation: String, needed: Int, recorded: [Int])

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .networkNotRecorded(let notation):
            return "the strategy proposed \(notation), which the data does not hold: replaying a strategy needs "
                + "every network the space can give (a whole table, such as NAS-Bench-201's 15,625 cells); "
                + "a partial one (an export, a sample of NAS-Bench-101) can be replayed with --early-stop srm, or "
                + "with --strategy hyperband, which draws its configurations from the rows"
        case .unknownProposal(let id):
            return "the strategy asked to continue proposal \(id), which it never made"
        case .strategy(let error):
            return "\(error)"
        case .stalled(let proposals, let trained):
            return "\(proposals) proposals trained only \(trained) distinct networks; the strategy repeats itself"
        case .curveTooShort(let notation, let needed, let recorded):
            let dense = recorded == Array(1...max(1, recorded.count))
            let epochs = recorded.count <= 8 ? recorded.map(String.init).joined(separator: ", ") : "1…\(recorded.count)"
            return "the row of \(notation) records epochs \(epochs), not every epoch 1…\(needed): Hyperband's replay "
                + (dense
                    ? "needs rows as long as --max-resource (lower it)"
                    : "serves curves epoch by epoch and needs rows that record every epoch")
        }
    }
}
