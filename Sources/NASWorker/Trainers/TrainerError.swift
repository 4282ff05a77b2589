import NASCore

/// Why a trainer could not train a trial (or, for the replay trainer, load its curves).
public enum TrainerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The spec cannot be trained: a budget below 1, or a start epoch outside `0…budget`.
    case invalidSpec(trialID: String, epochBudget: Int, startEpoch: Int)
    /// The network cannot be built for the spec's input.
    case invalidArchitecture(notation: String, ArchitectureError)
    /// The trainer cannot train this kind of network (the surrogate models sequential networks
    /// only, so it refuses a cell).
    case unsupportedNetwork(trainer: String, notation: String)
    /// The replay trainer has no curve for this network (looked up by its canonical form).
    case architectureNotRecorded(notation: String, canonicalNotation: String, curvesFile: String)
    /// The calling task was cancelled; `lastEpoch` is the last epoch reported.
    case cancelled(trialID: String, lastEpoch: Int)
    /// A curves file could not be read.
    case curvesFileUnreadable(path: String, reason: String)
    /// A curves file has a malformed line.
    case curvesFileMalformed(path: String, CurvesFileError)
    /// An external trainer printed a `NASD_EPOCH` line that breaks the line channel's rules.
    case malformedEpochLine(line: String, reason: String)
    /// An external trainer could not be started.
    case launchFailed(command: [String], reason: String)
    /// An external trainer exited unsuccessfully; the last lines of its output.
    case processFailed(exitStatus: Int32, logTail: [String])

    /// Whether no attempt of the same trial can succeed: the error follows from the spec alone (a
    /// network that cannot be built, one the trainer does not model, one a replayed table lacks),
    /// not from the host, the process or the moment. The worker marks such failures `permanent`
    /// and the daemon does not retry them.
    public var isPermanent: Bool {
        switch self {
        case .invalidSpec, .invalidArchitecture, .unsupportedNetwork, .architectureNotRecorded: return true
        case .cancelled, .curvesFileUnreadable, .curvesFileMalformed, .malformedEpochLine, .launchFailed,
            .processFailed:
            return false
        }
    }

    /// A one-line explanation naming what failed.
    public var description: String {
        switch self {
        case .invalidSpec(let trialID, let budget, let start):
            return "trial \(trialID): cannot train epochs \(start + 1)…\(budget) (budget \(budget), start \(start))"
        case .invalidArchitecture(let notation, let error):
            return "cannot build \(notation): \(error)"
        case .unsupportedNetwork(let trainer, let notation):
            return "the \(trainer) trainer trains sequential networks only, not the cell \(notation)"
        case .architectureNotRecorded(let notation, let canonical, let file):
            return "no curve for \(notation) (canonical \(canonical)) in \(file)"
        case .cancelled(let trialID, let lastEpoch):
            return "trial \(trialID) cancelled after epoch \(lastEpoch)"
        case .curvesFileUnreadable(let path, let reason):
            return "cannot read curves file \(path): \(reason)"
        case .curvesFileMalformed(let path, let error):
            return "\(path): \(error)"
        case .malformedEpochLine(let line, let reason):
            return "malformed epoch line (\(reason)): \(line)"
        case .launchFailed(let command, let reason):
            return "cannot start trainer \(command.joined(separator: " ")): \(reason)"
        case .processFailed(let status, let tail):
            return "trainer exited with status \(status)"
                + (tail.isEmpty ? "" : "; last output:\n" + tail.joined(separator: "\n"))
        }
    }
}
