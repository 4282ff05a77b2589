import Foundation
import Glibc

/// Finds live processes by their command line, through `/proc`: the local workers that `nasd run`
/// starts in process groups of their own, which a test must see gone (and kill if they are not).
enum ProcessScan {
    /// The live (non-zombie) processes whose command line contains `fragment`, this one excluded.
    static func processIDs(mentioning fragment: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), pid != getpid(), isRunning(pid),
                let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return commandLine.contains(fragment) ? pid : nil
        }
    }

    /// Whether `pid` is a live process (a zombie counts as gone).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// `pid`, its parent and its command line, for failure messages.
    static func describe(_ pid: pid_t) -> String {
        let commandLine =
            FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            .map { String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self) } ?? "?"
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let parent = stat.split(separator: ")").last?.split(separator: " ").dropFirst().first ?? "?"
        return "pid \(pid) (parent \(parent)): \(commandLine)"
    }
}
