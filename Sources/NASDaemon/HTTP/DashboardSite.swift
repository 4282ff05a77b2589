import Foundation
import NASStore

/// The live dashboard's pages: `/` (every run, with links), `/runs/<name>` (the run's report,
/// reloading itself while the run goes on) and `/metrics` (Prometheus text).
///
/// Each request opens the stores it reads (its own read-only use of a connection on the calling
/// thread; WAL lets it read while the daemon writes), so serving never touches the event loop.
public struct DashboardSite: Sendable {
    public var layout: StateDirectoryLayout
    public var access: DashboardAccess
    /// Seconds between reloads of a page whose run is in progress.
    public var refreshSeconds: Int
    /// The core's gauges (nil when they cannot be had), fetched through the control path.
    public var gauges: @Sendable () -> CoreGauges?
    /// The event loop's ack latency so far.
    public var ackLatency: @Sendable () -> LatencyRecorder.Summary?

    public init(
        layout: StateDirectoryLayout, access: DashboardAccess, refreshSeconds: Int = 5,
        gauges: @escaping @Sendable () -> CoreGauges?, ackLatency: @escaping @Sendable () -> LatencyRecorder.Summary?
    ) {
        self.layout = layout
        self.access = access
        self.refreshSeconds = refreshSeconds
        self.gauges = gauges
        self.ackLatency = ackLatency
    }

    /// Answers one request.
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        guard access.admits(request) else {
            return HTTPResponse(
                status: 401, contentType: "text/plain; charset=utf-8",
                body: "this dashboard needs its key: add ?key=… (from \(DashboardAccess.keyFileName) in the state "
                    + "directory) or send Authorization: Bearer …\n", headers: [("WWW-Authenticate", "Bearer")])
        }
        do {
            switch request.path {
            case "/", "/index.html":
                return html(try index(for: request))
            case "/metrics":
                let metrics = try DaemonMetrics.collect(from: layout, gauges: gauges(), ackLatency: ackLatency())
                return HTTPResponse(
                    status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.prometheusText)
            case let path where path.hasPrefix("/runs/"):
                let name = String(path.dropFirst("/runs/".count))
                guard StateDirectoryLayout.isValidRunName(name),
                    let store = try? RunStore(runDirectory: layout.runDirectory(named: name), mode: .mustExist)
                else { return .text(404, "no run named '\(name)'") }
                return html(try report(of: store, for: request))
            default:
                return .text(404, "not found: \(request.path)")
            }
        } catch {
            return .text(500, "cannot read the run stores: \(error)")
        }
    }

    private func html(_ page: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: page)
    }

    private func report(of store: RunStore, for request: HTTPRequest) throws -> String {
        let run = try RunReportData.load(from: store)
        let suffix = access.linkSuffix(for: request)
        let live = run.state == .active || run.state == .paused || run.state == .stopping
        return ReportDocument(
            runs: [run], generatedAt: Date(), refreshSeconds: live ? refreshSeconds : nil,
            navigation: [
                .init(title: "all runs", href: "/" + suffix), .init(title: "metrics", href: "/metrics" + suffix),
            ]
        ).html()
    }

    private func index(for request: HTTPRequest) throws -> String {
        var views: [RunStatusView] = []
        var reports: [RunReportData] = []
        for name in try layout.runNames() {
            guard let store = try? RunStore(runDirectory: layout.runDirectory(named: name), mode: .mustExist),
                let view = try? RunViews.status(of: store), let report = try? RunReportData.load(from: store)
            else { continue }
            views.append(view)
            reports.append(report)
        }
        return DashboardIndex(
            runs: views, reports: reports, linkSuffix: access.linkSuffix(for: request), refreshSeconds: refreshSeconds
        ).html(generatedAt: Date())
    }
}
