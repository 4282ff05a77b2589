import Foundation
import NASProtocol
import NASStore

/// Answers the read-only control requests straight from run stores, with no daemon: what
/// `nasd status|trials|best|logs` use with `--run-dir DIR`, or when no daemon listens on a state
/// directory's control socket.
///
/// Each request opens the store it needs (`mustExist`: nothing is created), reads it on the store's
/// own queue, and closes it. Requests that need a running daemon (`submit`, `pause`, `workers`, …)
/// get a `daemonNotRunning` error.
///
/// With a run directory, the run named in a request must be the stored run's name, or empty (the
/// CLI sends an empty name when the user named only the directory).
public struct OfflineControl: ControlHandler {
    /// Where the handler reads runs from.
    public enum Source: Hashable, Sendable {
        /// Every run of a state directory.
        case stateDirectory(StateDirectoryLayout)
        /// One run directory.
        case runDirectory(URL)
    }

    /// Where the handler reads runs from.
    public let source: Source

    /// A handler for every run of a state directory.
    public init(stateDirectory: StateDirectoryLayout) {
        self.source = .stateDirectory(stateDirectory)
    }

    /// A handler for one run directory (`--run-dir`).
    public init(runDirectory: URL) {
        self.source = .runDirectory(runDirectory)
    }

    /// Answers `status`, `trials`, `best` and `logs` from the stores; anything else with
    /// `daemonNotRunning`.
    public func handle(_ request: ControlRequest) async -> ControlResponse {
        switch request {
        case .status(nil):
            return await allRuns()
        case .status(let run?), .trials(let run, _, _), .best(let run), .logs(let run, _, _):
            return await answer(request, run: run)
        default:
            return .error(ControlError(code: .daemonNotRunning, message: notRunningMessage(for: request)))
        }
    }

    private func notRunningMessage(for request: ControlRequest) -> String {
        switch source {
        case .stateDirectory(let layout):
            return "'\(request.messageType)' needs a running daemon, and none is running for state directory "
                + "\(layout.path) (start one with 'nasd serve --state-dir \(layout.path)')"
        case .runDirectory(let directory):
            return "'\(request.messageType)' needs a running daemon; --run-dir \(directory.path) only shows "
                + "status, trials, best and logs"
        }
    }

    /// Every run's status, sorted by name.
    private func allRuns() async -> ControlResponse {
        var views: [RunStatusView] = []
        switch source {
        case .runDirectory(let directory):
            switch await read(directory, expecting: nil, { try RunViews.status(of: $0) }) {
            case .success(let view): views = [view]
            case .failure(let error): return .error(error)
            }
        case .stateDirectory(let layout):
            let names: [String]
            do {
                names = try layout.runDirectoryNames()
            } catch {
                return .error(
                    ControlError(code: .internalError, message: "cannot list state directory \(layout.path): \(error)"))
            }
            for name in names {
                views.append(await statusView(ofRun: name, in: layout))
            }
        }
        do {
            return .ok(try JSONValue(encoding: views))
        } catch {
            return .error(ControlError(code: .internalError, message: error.description))
        }
    }

    /// One run's status from its store; a broken or missing store is the view's error, so that one
    /// broken store is listed beside the healthy runs, never instead of them.
    ///
    /// - Parameter live: What the daemon knows of the run when it hosts it (`HostedRunSnapshot`).
    func statusView(ofRun name: String, in layout: StateDirectoryLayout, live: LiveRunInfo? = nil) async
        -> RunStatusView
    {
        if let missing = layout.missingStoreMessage(run: name) {
            return .unreadable(name: name, error: missing)
        }
        let outcome = await read(layout.runDirectory(named: name), expecting: nil) {
            try RunViews.status(of: $0, live: live)
        }
        switch outcome {
        case .success(let view): return view
        case .failure(let error): return .unreadable(name: name, error: error.message)
        }
    }

    /// A read-only request about one run (`status`, `trials`, `best`, `logs`).
    ///
    /// - Parameter live: What the daemon knows of the run when it hosts it (`HostedRunSnapshot`).
    func answer(_ request: ControlRequest, run: String, live: LiveRunInfo? = nil) async -> ControlResponse {
        let directory: URL
        let expectedName: String?
        switch source {
        case .runDirectory(let runDirectory):
            directory = runDirectory
            expectedName = run.isEmpty ? nil : run
        case .stateDirectory(let layout):
            guard StateDirectoryLayout.isValidRunName(run) else {
                return .error(ControlError(code: .notFound, message: "no run named '\(run)' in \(layout.path)"))
            }
            directory = layout.runDirectory(named: run)
            expectedName = nil
        }
        let outcome = await read(directory, expecting: expectedName) {
            RunViews.response(to: request, from: $0, live: live)
        }
        switch outcome {
        case .success(let response): return response
        case .failure(let error): return .error(error)
        }
    }

    /// Opens a run's store, runs `body` on its queue in one read transaction (a consistent view of
    /// a run the daemon is writing), and closes it.
    private func read<Value: Sendable>(
        _ directory: URL, expecting expectedName: String?, _ body: @escaping @Sendable (RunStore) throws -> Value
    ) async -> Result<Value, ControlError> {
        let executor: StoreExecutor
        do {
            // No integrity check at open: `PRAGMA integrity_check` reads the whole file (2.6 s for a
            // run of 100,000 trials) and a view reads a few pages, on each of which SQLite reports
            // damage itself (SQLITE_CORRUPT, or "not a database" for a file that is not one). The
            // daemon checks the whole file when it opens a run to resume it.
            executor = try await StoreExecutor.open(
                runDirectory: directory, mode: .mustExist, configuration: Database.Configuration(integrityCheck: .none))
        } catch RunStoreError.storeNotFound {
            return .failure(ControlError(code: .notFound, message: missingRunMessage(directory)))
        } catch {
            return .failure(
                ControlError(code: .internalError, message: "cannot open the run store in \(directory.path): \(error)"))
        }
        let result: Result<Value, ControlError>
        do {
            let value = try await executor.perform { store -> Value? in
                try store.reading {
                    if let expectedName, try store.run()?.name != expectedName { return nil }
                    return try body(store)
                }
            }
            if let value {
                result = .success(value)
            } else {
                result = .failure(
                    ControlError(
                        code: .notFound,
                        message: "the run directory \(directory.path) does not hold run '\(expectedName ?? "")'"))
            }
        } catch RunStoreError.runNotCreated {
            result = .failure(ControlError(code: .notFound, message: missingRunMessage(directory)))
        } catch {
            result = .failure(
                ControlError(code: .internalError, message: "cannot read the run store in \(directory.path): \(error)"))
        }
        await executor.close()
        return result
    }

    private func missingRunMessage(_ directory: URL) -> String {
        switch source {
        case .stateDirectory(let layout):
            return "no run named '\(directory.lastPathComponent)' in state directory \(layout.path)"
        case .runDirectory:
            return "no run store in \(directory.path) (expected \(RunStore.fileName))"
        }
    }
}
