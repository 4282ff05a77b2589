import Foundation
import NASDaemon
import NASSystem

/// `nasd run`'s live progress: on a terminal a block of lines redrawn in place (cursor up, clear
/// to the end of the screen); otherwise one plain log line whenever something changed, at most
/// every few seconds, so a log file or a CI transcript gets a readable history.
final class ProgressDisplay: @unchecked Sendable {
    // @unchecked: used from one task at a time (the run's supervising task).
    private let isTerminal: Bool
    private let logInterval: TimeInterval
    private var drawnLines = 0
    private var lastLogged = Date.distantPast
    private var lastLine = ""

    /// - Parameters:
    ///   - isTerminal: Whether standard output is a terminal (redraw in place).
    ///   - logInterval: The least time between two plain lines.
    init(isTerminal: Bool = StandardStream.output.isTerminal, logInterval: TimeInterval = 5) {
        self.isTerminal = isTerminal
        self.logInterval = logInterval
    }

    /// Shows the progress: redraws the block on a terminal, or logs a line when due.
    func show(_ progress: SearchProgress) {
        if isTerminal {
            draw(progress.terminalLines)
        } else {
            let line = progress.logLine
            // The elapsed time changes every tick; log on a change of anything else, when due.
            let withoutTime = line.components(separatedBy: " · ").filter {
                !$0.hasSuffix("elapsed") && !$0.hasSuffix("left")
            }
            let key = withoutTime.joined(separator: " · ")
            if key != lastLine && Date().timeIntervalSince(lastLogged) >= logInterval {
                writeStandardOutput(line)
                lastLogged = Date()
                lastLine = key
            }
        }
    }

    /// Leaves the last block on screen (a terminal) or logs the final line (otherwise).
    func finish(_ progress: SearchProgress?) {
        guard let progress else { return }
        if isTerminal {
            draw(progress.terminalLines)
            drawnLines = 0
        } else {
            writeStandardOutput(progress.logLine)
        }
    }

    /// Forgets the block without drawing, so that a message printed next is not overwritten.
    func detach() {
        drawnLines = 0
    }

    private func draw(_ lines: [String]) {
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)F" : "\r"
        text += "\u{1B}[J"
        let width = StandardStream.output.terminalColumns ?? 100
        for line in lines {
            text += Self.clipped(line, to: width) + "\n"
        }
        StandardStream.output.write(text)
        drawnLines = lines.count
    }

    /// A line cut to the terminal's width, so that a wrapped line never breaks the redraw.
    static func clipped(_ line: String, to width: Int) -> String {
        guard line.count > width, width > 1 else { return line }
        return String(line.prefix(width - 1)) + "…"
    }
}
