import Foundation
import XCTest

@testable import NASDaemon

extension DaemonCore {
    /// Handles a batch and appends the trial-log lines it asks for, as the daemon service's log
    /// queue would.
    @discardableResult
    func handleWritingLogs(_ events: [DaemonEvent]) -> [DaemonAction] {
        let actions = handle(events)
        for case .appendLog(let url, let lines) in actions {
            XCTAssertNoThrow(try TrialLogFile.append(lines, to: url))
        }
        return actions
    }
}
