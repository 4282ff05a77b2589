import Foundation
import NASCore

/// The line channel an external trainer reports epochs on: a stdout line
/// `NASD_EPOCH {"epoch":3,"val_acc":0.71}` per finished epoch (docs/trainer-protocol.md).
///
/// Every other output line is log output. `Reader` applies the ordering rules for one trial.
public enum TrainerLineChannel {
    /// The word that starts an epoch line.
    public static let epochPrefix = "NASD_EPOCH"

    /// The epoch line for a record, as a trainer prints it (without the line end).
    ///
    /// - Throws: `EncodingError` when a value is not finite.
    public static func line(for record: EpochRecord) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(record)
        return epochPrefix + " " + String(decoding: json, as: UTF8.self)
    }

    /// Reads one output line.
    ///
    /// - Parameter line: the line, with or without its line end.
    /// - Returns: the record of an epoch line; `nil` for any other line (log output), including
    ///   one where `NASD_EPOCH` is not followed by a space or tab.
    /// - Throws: `.malformedEpochLine` when an epoch line's payload is not a valid record.
    public static func record(fromLine line: String) throws(TrainerError) -> EpochRecord? {
        guard line.hasPrefix(epochPrefix) else { return nil }
        let rest = line.dropFirst(epochPrefix.count)
        guard let separator = rest.first, separator == " " || separator == "\t" else { return nil }
        let payload = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try JSONDecoder().decode(EpochRecord.self, from: Data(payload.utf8))
        } catch {
            throw .malformedEpochLine(line: line, reason: explain(error))
        }
    }

    /// Reads one trial's output lines and applies the channel's ordering rules.
    ///
    /// Epochs must rise: a record at or below the last accepted epoch (including at or below
    /// `startEpoch`) is ignored, so a trainer without checkpoints may retrain from scratch and
    /// print every epoch; a record past the budget is a protocol violation.
    public struct Reader: Hashable, Sendable {
        /// The last epoch accepted (the spec's `startEpoch` before any).
        public private(set) var lastEpoch: Int
        /// The trial's budget.
        public let epochBudget: Int

        /// Creates a reader for one trial.
        public init(spec: TrialSpec) {
            lastEpoch = spec.startEpoch
            epochBudget = spec.epochBudget
        }

        /// Reads one output line.
        ///
        /// - Returns: a record to report, or `nil` for a log line or an ignored (stale) epoch.
        /// - Throws: `.malformedEpochLine` for a bad payload or an epoch past the budget.
        public mutating func read(line: String) throws(TrainerError) -> EpochRecord? {
            guard let record = try TrainerLineChannel.record(fromLine: line) else { return nil }
            guard record.epoch <= epochBudget else {
                throw .malformedEpochLine(line: line, reason: "epoch \(record.epoch) is past the budget \(epochBudget)")
            }
            guard record.epoch > lastEpoch else { return nil }
            lastEpoch = record.epoch
            return record
        }
    }

    private static func explain(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }
}
