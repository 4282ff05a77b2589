import Foundation
import NASCore
import NASProtocol
import NASSystem

/// A TCP proxy on 127.0.0.1 between workers and a daemon that cuts every connection after a
/// seeded random number of bytes (so most cuts land inside a frame), and reads the frames it
/// forwards to learn which reports the daemon acknowledged.
///
/// Each accepted connection gets a budget drawn from `cutAfter`: once that many bytes crossed it in
/// either direction, the proxy forwards only the part of the chunk that fits and closes both sides.
/// The worker reconnects to the proxy, which opens a fresh connection to the daemon. After
/// `maximumCuts` cuts, connections are forwarded whole.
final class ChaosProxy: @unchecked Sendable {
    /// A report the daemon acknowledged: durable from then on.
    struct AcknowledgedEpoch: Hashable, Sendable {
        var runName: String
        var trialID: String
        var jobID: String
        var epoch: Int
        var accuracy: Double
    }

    private struct PendingReport {
        var seq: UInt64
        var epoch: AcknowledgedEpoch?
    }

    private let listener: SocketListener
    private let upstreamPort: UInt16
    private let cutAfter: ClosedRange<Int>
    private let maximumCuts: Int
    private let state: Locked<ProxyState>

    private struct ProxyState {
        var generator: SplitMix64
        var connections = 0
        var cuts = 0
        var cutsInsideFrames = 0
        var pending: [String: [PendingReport]] = [:]
        var acknowledged: Set<AcknowledgedEpoch> = []
        var open: [SocketConnection] = []
        var isCutting = true
        var budgetsGiven = 0
    }

    /// The port workers connect to.
    let port: UInt16

    /// Starts a proxy to the daemon's worker port `upstreamPort`.
    init(upstreamPort: UInt16, cutAfter: ClosedRange<Int> = Int.max...Int.max, maximumCuts: Int = 0, seed: UInt64 = 1)
        throws
    {
        listener = try SocketListener.listen(on: SocketEndpoint(host: "127.0.0.1", port: 0))
        guard let port = listener.port else { throw EndToEndError.daemonDidNotStart(output: "proxy has no port") }
        self.port = port
        self.upstreamPort = upstreamPort
        self.cutAfter = cutAfter
        self.maximumCuts = maximumCuts
        state = Locked(ProxyState(generator: SplitMix64(seed: seed)))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Connections accepted so far.
    var connections: Int { state.withLock { $0.connections } }
    /// Connections the proxy cut, and how many of those cuts fell inside a frame.
    var cuts: (all: Int, insideFrames: Int) { state.withLock { ($0.cuts, $0.cutsInsideFrames) } }
    /// Every epoch report the daemon acknowledged so far.
    var acknowledgedEpochs: Set<AcknowledgedEpoch> { state.withLock { $0.acknowledged } }

    /// Stops cutting: connections from now on are forwarded whole.
    func stopCutting() {
        state.withLock { $0.isCutting = false }
    }

    /// Stops accepting and closes every open connection.
    func close() {
        listener.close()
        for connection in state.withLock({ $0.open }) {
            connection.shutdown()
        }
    }

    private func acceptLoop() {
        while let downstream = try? listener.accept() {
            guard
                let upstream = try? SocketConnection.connect(to: SocketEndpoint(host: "127.0.0.1", port: upstreamPort))
            else {
                downstream.close()
                continue
            }
            let budget = state.withLock { proxy -> Int in
                proxy.connections += 1
                proxy.open += [downstream, upstream]
                let cutting = proxy.isCutting && proxy.budgetsGiven < maximumCuts
                if cutting { proxy.budgetsGiven += 1 }
                return cutting ? Int.random(in: cutAfter, using: &proxy.generator) : Int.max
            }
            let link = Link(proxy: self, downstream: downstream, upstream: upstream, budget: budget)
            Thread { link.pump(from: downstream, to: upstream, direction: .toDaemon) }.start()
            Thread { link.pump(from: upstream, to: downstream, direction: .toWorker) }.start()
        }
    }

    /// Both directions of a link ended: its sockets are closed and forgotten.
    fileprivate func closed(_ connections: SocketConnection...) {
        state.withLock { proxy in proxy.open.removeAll { open in connections.contains { $0 === open } } }
        for connection in connections { connection.close() }
    }

    fileprivate func cut(insideFrame: Bool) {
        state.withLock {
            $0.cuts += 1
            if insideFrame { $0.cutsInsideFrames += 1 }
        }
    }

    fileprivate func forwarded(_ message: WorkerMessage, worker: String) {
        let report: PendingReport
        switch message {
        case .epochProgress(let progress):
            report = PendingReport(
                seq: progress.seq,
                epoch: AcknowledgedEpoch(
                    runName: progress.runName, trialID: progress.trialID, jobID: progress.jobID,
                    epoch: progress.record.epoch, accuracy: progress.record.validationAccuracy))
        case .complete(let completion):
            report = PendingReport(seq: completion.seq, epoch: nil)
        case .fail(let failure):
            report = PendingReport(seq: failure.seq, epoch: nil)
        case .hello, .heartbeat, .log, .ready:
            return
        }
        state.withLock { $0.pending[worker, default: []].append(report) }
    }

    fileprivate func acknowledged(upTo seq: UInt64, worker: String) {
        state.withLock { proxy in
            let reports = proxy.pending[worker] ?? []
            for report in reports where report.seq <= seq {
                if let epoch = report.epoch { proxy.acknowledged.insert(epoch) }
            }
            proxy.pending[worker] = reports.filter { $0.seq > seq }
        }
    }
}

/// One proxied connection: two pumps sharing a byte budget and the worker's id from its hello.
private final class Link: @unchecked Sendable {
    enum Direction { case toDaemon, toWorker }

    private let proxy: ChaosProxy
    private let downstream: SocketConnection
    private let upstream: SocketConnection
    private let state: Locked<(budget: Int, worker: String?, isCut: Bool, isCounted: Bool, pumpsDone: Int)>

    init(proxy: ChaosProxy, downstream: SocketConnection, upstream: SocketConnection, budget: Int) {
        self.proxy = proxy
        self.downstream = downstream
        self.upstream = upstream
        state = Locked((budget, nil, false, false, 0))
    }

    func pump(from source: SocketConnection, to sink: SocketConnection, direction: Direction) {
        var decoder = FrameDecoder()
        let codec = MessageCodec()
        defer {
            source.shutdown()
            sink.shutdown()
            let isLast = state.withLock { link -> Bool in
                link.pumpsDone += 1
                return link.pumpsDone == 2
            }
            if isLast { proxy.closed(downstream, upstream) }
        }
        while let chunk = try? source.read(upToCount: 4096), !chunk.isEmpty {
            let allowed = state.withLock { link -> Int in
                if link.isCut { return 0 }
                let allowed = min(chunk.count, link.budget)
                link.budget -= allowed
                if link.budget == 0 { link.isCut = true }
                return allowed
            }
            let passed = Array(chunk.prefix(allowed))
            decoder.append(passed)
            while let frame = try? decoder.nextFrame() {
                observe(frame, direction: direction, codec: codec)
            }
            if !passed.isEmpty {
                guard (try? sink.write(passed)) != nil else { return }
            }
            let countsTheCut = state.withLock { link -> Bool in
                guard link.isCut && !link.isCounted else { return false }
                link.isCounted = true
                return true
            }
            if countsTheCut { proxy.cut(insideFrame: !decoder.isAtFrameBoundary) }
            if state.withLock({ $0.isCut }) { return }
        }
    }

    private func observe(_ frame: Frame, direction: Direction, codec: MessageCodec) {
        switch direction {
        case .toDaemon:
            guard let message = try? codec.decode(WorkerMessage.self, from: frame) else { return }
            if case .hello(let hello) = message {
                state.withLock { $0.worker = hello.workerID }
            } else if let worker = state.withLock({ $0.worker }) {
                proxy.forwarded(message, worker: worker)
            }
        case .toWorker:
            guard case .ack(let ack) = try? codec.decode(DaemonMessage.self, from: frame),
                let worker = state.withLock({ $0.worker })
            else { return }
            proxy.acknowledged(upTo: ack.seq, worker: worker)
        }
    }
}
