import Foundation
import NASProtocol
import NASStore

/// Answers control requests for a running daemon: requests about the runs it hosts go to the
/// event loop (the core's live state); read-only views of every other run (finished, failed,
/// left alone) are read from their stores here, off the commit thread, by `OfflineControl`, with
/// the status list cached while no store changes.
///
/// So `nasd status` with many finished runs never opens (and integrity-checks) their stores on the
/// thread that acknowledges workers' reports.
struct DaemonControlHandler: ControlHandler {
    let loop: EventLoop
    let layout: StateDirectoryLayout
    let endedRuns: EndedRunStatusCache

    init(loop: EventLoop, layout: StateDirectoryLayout) {
        self.loop = loop
        self.layout = layout
        self.endedRuns = EndedRunStatusCache(offline: OfflineControl(stateDirectory: layout))
    }

    /// Reads every run's status into the cache once, so the first `nasd status` after a start does
    /// not wait for big finished runs' stores to be opened and checked.
    func warmUp() async {
        _ = await endedRuns.views(of: (try? layout.runDirectoryNames()) ?? [], in: layout)
    }

    func handle(_ request: ControlRequest) async -> ControlResponse {
        let live = await askCore(request)
        switch request {
        case .status(nil):
            return await mergedStatus(hosted: live)
        case .metrics:
            // The core's gauges, with the loop's acknowledgement latency added (`DaemonCounters`).
            guard case .ok(let payload) = live else { return live }
            do {
                let counters = DaemonCounters(
                    gauges: try payload.decode(as: CoreGauges.self), ackLatency: loop.ackLatency.summary)
                return .ok(try JSONValue(encoding: counters))
            } catch {
                return .error(ControlError(code: .internalError, message: "cannot encode the metrics: \(error)"))
            }
        case .status(let run?), .trials(let run, _, _), .best(let run), .logs(let run, _, _):
            // The core answers only for the runs it hosts: the others are read here.
            if case .error(let error) = live, error.code == .notFound, StateDirectoryLayout.isValidRunName(run) {
                return await OfflineControl(stateDirectory: layout).handle(request)
            }
            return live
        default:
            return live
        }
    }

    private func askCore(_ request: ControlRequest) async -> ControlResponse {
        await withCheckedContinuation { continuation in
            loop.post(.control(request, ControlReply { continuation.resume(returning: $0) }))
        }
    }

    /// The core's views of hosted runs, and the stored views of the rest, sorted by name.
    private func mergedStatus(hosted: ControlResponse) async -> ControlResponse {
        guard case .ok(let payload) = hosted, case .array(let hostedViews) = payload else { return hosted }
        let hostedNames = Set(hostedViews.compactMap { $0["name"]?.stringValue })
        let names: [String]
        do {
            names = try layout.runDirectoryNames().filter { !hostedNames.contains($0) }
        } catch {
            return .error(
                ControlError(code: .internalError, message: "cannot list state directory \(layout.path): \(error)"))
        }
        do {
            let others = try await endedRuns.views(of: names, in: layout).map { try JSONValue(encoding: $0) }
            let merged = (hostedViews + others).sorted {
                ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "")
            }
            return .ok(.array(merged))
        } catch {
            return .error(ControlError(code: .internalError, message: "cannot encode the status: \(error)"))
        }
    }
}

/// The status views of runs the daemon does not host, each kept while its store does not change
/// (its stamp: the modification time and size of the store and its WAL), so that ended runs'
/// stores are opened (and integrity-checked) once, not at every `nasd status`.
actor EndedRunStatusCache {
    private let offline: OfflineControl
    private var cached: [String: (stamp: [Double], view: RunStatusView)] = [:]

    init(offline: OfflineControl) {
        self.offline = offline
    }

    func views(of names: [String], in layout: StateDirectoryLayout) async -> [RunStatusView] {
        var views: [RunStatusView] = []
        for name in names {
            let stamp = Self.stamp(of: name, in: layout)
            if let hit = cached[name], hit.stamp == stamp {
                views.append(hit.view)
                continue
            }
            let view = await offline.statusView(ofRun: name, in: layout)
            cached[name] = (stamp, view)
            views.append(view)
        }
        cached = cached.filter { names.contains($0.key) }
        return views
    }

    private static func stamp(of name: String, in layout: StateDirectoryLayout) -> [Double] {
        let directory = layout.runDirectory(named: name)
        return [RunStore.fileName, RunStore.fileName + "-wal"].flatMap { file -> [Double] in
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return [modified, Double((attributes?[.size] as? NSNumber)?.int64Value ?? 0)]
        }
    }
}
