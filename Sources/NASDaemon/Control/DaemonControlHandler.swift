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
        case .status(let run?), .trials(let run, _), .best(let run), .logs(let run, _, _):
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
        guard case .ok(let storedPayload) = await endedRuns.status(layout: layout),
            case .array(let storedViews) = storedPayload
        else { return await endedRuns.status(layout: layout) }
        let others = storedViews.filter { view in !hostedNames.contains(view["name"]?.stringValue ?? "") }
        let merged = (hostedViews + others).sorted {
            ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "")
        }
        return .ok(.array(merged))
    }
}

/// The offline status list of a state directory, kept while no run store changes (its stamp is
/// every store's and WAL's modification time and size).
actor EndedRunStatusCache {
    private let offline: OfflineControl
    private var cached: (stamp: [String: [Double]], response: ControlResponse)?

    init(offline: OfflineControl) {
        self.offline = offline
    }

    func status(layout: StateDirectoryLayout) async -> ControlResponse {
        let stamp = Self.stamp(layout)
        if let cached, cached.stamp == stamp { return cached.response }
        let response = await offline.handle(.status(run: nil))
        cached = (stamp, response)
        return response
    }

    private static func stamp(_ layout: StateDirectoryLayout) -> [String: [Double]] {
        var stamp: [String: [Double]] = [:]
        for name in (try? layout.runNames()) ?? [] {
            let directory = layout.runDirectory(named: name)
            stamp[name] = [RunStore.fileName, RunStore.fileName + "-wal"].flatMap { file -> [Double] in
                let attributes = try? FileManager.default.attributesOfItem(
                    atPath: directory.appendingPathComponent(file).path)
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                return [modified, Double((attributes?[.size] as? NSNumber)?.int64Value ?? 0)]
            }
        }
        return stamp
    }
}
