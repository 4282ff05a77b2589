import Foundation
import NASStore

/// `nasd-bench store-at-scale [TRIALS] [BATCH]`: what one trial costs the store as the run grows.
/// A run store (the daemon's settings: WAL, `synchronous=FULL`) takes TRIALS trials the way the
/// commit thread writes them — per trial a proposal with a candidate of 700 bytes, the trial (a
/// random identity key, as the canonical hash gives), its dispatch, two epochs and its completion
/// with a random accuracy — BATCH trials per transaction (group commit). It prints the time per
/// 1,000 trials at every tenth of the run, and at the end the read-only views' queries and the
/// store's size per trial, so a cost that grows with the run shows without a 10-minute daemon run.
enum StoreAtScale {
    static func run(trials: Int, batch: Int) throws {
        let directory = URL(fileURLWithPath: "/tmp/nasd-bench-store-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try RunStore(runDirectory: directory)
        try store.createRun(NewRun(name: "scale", configurationText: "name: scale", searchIdentity: "scale"))
        var generator = SystemRandomNumberGenerator()
        let candidate = Data(repeating: UInt8(ascii: "x"), count: 700)
        let tenth = max(1, trials / 10)
        var blockStart = ContinuousClock.now
        var written = 0
        var mark = tenth
        var blockFirst = 0
        print("trials  ms per 1,000 trials (the last tenth's average)")
        while written < trials {
            try store.inTransaction {
                for _ in 0..<min(batch, trials - written) {
                    written += 1
                    let key = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
                    let notation = "[C(\(16 + written % 97),3,1), C(64,5,1), P(2,2), FC(128), SM(10)]"
                    let trial = try store.insertTrial(
                        NewTrial(
                            canonicalNotation: notation, proposedNotation: notation, identityKey: key,
                            hyperparameters: [:], epochBudget: 2, source: "random#\(written)"))
                    try store.recordProposal(written, trialID: trial.id, candidate: candidate)
                    let job = try store.dispatchTrial(trial.id, to: "w", leaseDeadline: Date())
                    let accuracy = Double.random(in: 0.1...0.9, using: &generator)
                    _ = try store.recordEpochs([
                        EpochReport(trialID: trial.id, epoch: 1, validationAccuracy: accuracy / 2),
                        EpochReport(trialID: trial.id, epoch: 2, validationAccuracy: accuracy),
                    ])
                    try store.finishTrial(trial.id, outcome: .completed(finalAccuracy: accuracy), job: job.id)
                    try store.markProposalsObserved(of: trial.id)
                }
            }
            if written >= mark || written == trials {
                let elapsed = seconds(ContinuousClock.now - blockStart)
                print(String(format: "%7d  %.0f", written, elapsed / Double(written - blockFirst) * 1_000_000))
                blockStart = ContinuousClock.now
                blockFirst = written
                mark += tenth
            }
        }
        func timed(_ label: String, _ body: () throws -> Void) rethrows {
            let start = ContinuousClock.now
            try body()
            print(String(format: "%@: %.2f ms", label, seconds(ContinuousClock.now - start) * 1000))
        }
        try timed("tallies (status counts)") { _ = try store.tallies() }
        try timed("best trial") { _ = try store.bestTrial() }
        try timed("best 10") { _ = try store.bestTrials(limit: 10) }
        try timed("first page, proposal order (100)") { _ = try store.trials(in: nil, order: .id, limit: 100) }
        try timed("first page, accuracy order (100)") { _ = try store.trials(in: nil, order: .accuracy, limit: 100) }
        try timed("last page, proposal order (250 at the end)") {
            _ = try store.trials(in: nil, order: .id, limit: 250, offset: max(0, trials - 250))
        }
        try timed("completed by accuracy (100)") {
            _ = try store.trials(in: [.completed], order: .accuracy, limit: 100)
        }
        let size = try FileManager.default.attributesOfItem(atPath: store.database.path)[.size] as? Int ?? 0
        print(
            String(
                format: "store file: %.1f MB, %.0f bytes per trial (epochs included)", Double(size) / 1e6,
                Double(size) / Double(trials)))
    }
}
