import Foundation
import NASProtocol
import NASStore

/// Answers control requests for a running daemon. Requests that act on runs or workers go to the
/// event loop (the core's live state). The read-only views (`status`, `trials`, `best`, `logs`)
/// are read from the run stores here, off the commit thread, by `OfflineControl`: for a run the
/// daemon hosts, with the live part the core reports (`HostedRunSnapshot`); for every other run
/// (finished, failed, left alone) as stored, with the status list cached while no store changes.
///
/// So neither `nasd status` on a run of 100,000 trials nor a state directory full of big finished
/// runs ever holds up the thread that acknowledges workers' reports.
struct DaemonControlHandler: ControlHandler {
    let loop: EventLoop
    let layout: StateDirectoryLayout
    let stores: OfflineControl
    let endedRuns: EndedRunStatusCache

    init(loop: EventLoop, layout: StateDirectoryLayout) {
        self.loop = loop
        self.layout = layout
        self.stores = OfflineControl(stateDirectory: layout)
        self.endedRuns = EndedRunStatusCache(offline: stores)
    }

    /// Reads every run's status into the cache once, so the first `nasd status` after a start does
    /// not wait for big finished runs' stores to be opened and checked.
    func warmUp() async {
        _ = await endedRuns.views(of: (try? layout.runDirectoryNames()) ?? [], in: layout)
    }

    func handle(_ request: ControlRequest) async -> ControlResponse {
        switch request {
        case .status(nil):
            return await allRunsStatus()
        case .status(let run?), .trials(let run, _, _), .best(let run), .logs(let run, _, _):
            guard let hosted = await hostedRuns() else { return Self.shuttingDown }
            return await stores.answer(request, run: run, live: hosted.first { $0.name == run }?.live)
        case .metrics:
            // The core's gauges, with the loop's acknowledgement latency added (`DaemonCounters`).
            let live = await askCore(request)
            guard case .ok(let payload) = live else { return live }
            do {
                let counters = DaemonCounters(
                    gauges: try payload.decode(as: CoreGauges.self), ackLatency: loop.ackLatency.summary)
                return .ok(try JSONValue(encoding: counters))
            } catch {
                return .error(ControlError(code: .internalError, message: "cannot encode the metrics: \(error)"))
            }
        default:
            return await askCore(request)
        }
    }

    /// The answer to a view while the daemon shuts down, as the core gives every other request.
    private static let shuttingDown = ControlResponse.error(
        ControlError(code: .shuttingDown, message: "the daemon is shutting down"))

    private func askCore(_ request: ControlRequest) async -> ControlResponse {
        await withCheckedContinuation { continuation in
            loop.post(.control(request, ControlReply { continuation.resume(returning: $0) }))
        }
    }

    /// The runs the core hosts, with what only it knows of them, answered once the batch that took
    /// the snapshot committed; `nil` when the daemon is shutting down.
    private func hostedRuns() async -> [HostedRunSnapshot]? {
        await withCheckedContinuation { continuation in
            loop.post(.hostedRuns(HostedRunsReply { continuation.resume(returning: $0) }))
        }
    }

    /// Every run's status, sorted by name: the hosted runs read now with their live part, the
    /// others from the cache.
    private func allRunsStatus() async -> ControlResponse {
        guard let hosted = await hostedRuns() else { return Self.shuttingDown }
        let hostedNames = Set(hosted.map(\.name))
        let names: [String]
        do {
            names = try layout.runDirectoryNames().filter { !hostedNames.contains($0) }
        } catch {
            return .error(
                ControlError(code: .internalError, message: "cannot list state directory \(layout.path): \(error)"))
        }
        var views: [RunStatusView] = []
        for run in hosted {
            views.append(await stores.statusView(ofRun: run.name, in: layout, live: run.live))
        }
        views += await endedRuns.views(of: names, in: layout)
        do {
            return .ok(try JSONValue(encoding: views.sorted { $0.name < $1.name }))
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
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(file).path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return [modified, Double((attributes?[.size] as? NSNumber)?.int64Value ?? 0)]
        }
    }
}
