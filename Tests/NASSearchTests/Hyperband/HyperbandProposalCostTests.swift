import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// `Hyperband` examines only the brackets that changed since it last looked, instead of every
/// bracket opened so far, and drops the ones that are done: the same decisions at a cost per call
/// that does not grow with the search (docs/BENCHMARKS.md, "Search strategies on the surrogate").
final class HyperbandProposalCostTests: XCTestCase {
    private func space() throws -> MetaQNNSpace {
        var configuration = MetaQNNSpace.Configuration()
        configuration.maxDepth = 6
        return try MetaQNNSpace(configuration: configuration)
    }

    private struct Setting {
        var maxResource: Int
        var eta: Int
        var iterations: Int
        var workers: Int
        var seed: UInt64
    }

    private func strategies(_ setting: Setting) throws -> (Hyperband, ScanningHyperband) {
        let sampler = try space()
        let hyperparameters: HyperparameterSpace = ["learning_rate": 0.1]
        return (
            Hyperband(
                sampler: sampler, maxResource: setting.maxResource, eta: setting.eta, iterations: setting.iterations,
                hyperparameters: hyperparameters, seed: setting.seed),
            ScanningHyperband(
                sampler: sampler, maxResource: setting.maxResource, eta: setting.eta, iterations: setting.iterations,
                hyperparameters: hyperparameters, seed: setting.seed)
        )
    }

    private let settings = [
        Setting(maxResource: 9, eta: 3, iterations: 40, workers: 3, seed: 11),
        Setting(maxResource: 20, eta: 3, iterations: 30, workers: 1, seed: 1000),
        Setting(maxResource: 27, eta: 3, iterations: 6, workers: 8, seed: 5),
        Setting(maxResource: 16, eta: 2, iterations: 8, workers: 4, seed: 77),
    ]

    /// Whole searches with results arriving out of order, failures, early stops and repeated
    /// observations: every proposal, phase and rung standing is the scan's.
    func testIndexedHyperband_decidesExactlyAsTheScanOfEveryBracketDid() throws {
        for (index, setting) in settings.enumerated() {
            var (indexed, scanning) = try strategies(setting)
            var left = InterleavedHyperbandDriver(seed: UInt64(40 + index), workers: setting.workers)
            var right = left
            try left.run(&indexed)
            try right.run(&scanning)
            XCTAssertEqual(left.transcript.count, right.transcript.count, "setting \(index)")
            XCTAssertEqual(left.transcript, right.transcript, "setting \(index)")
            let opened = setting.iterations * indexed.bracketTable.count
            XCTAssertEqual(left.transcript.last, .proposal(.exhausted, phase: "all \(opened) brackets done"))
            XCTAssertGreaterThan(left.results, 100, "setting \(index)")
        }
    }

    /// A run stored before the index (its snapshot holds every bracket opened, complete ones too)
    /// resumes with the indexed strategy exactly where the scanning one would have gone on.
    func testSnapshotOfTheScanningStrategy_restoredIntoTheIndexedOne_resumesExactly() throws {
        let setting = Setting(maxResource: 9, eta: 3, iterations: 12, workers: 3, seed: 21)
        for results in [0, 7, 60, 150] {
            var (indexed, scanning) = try strategies(setting)
            var driver = InterleavedHyperbandDriver(seed: 9, workers: setting.workers)
            try driver.run(&scanning, results: results)
            try indexed.restore(from: try scanning.snapshot())
            var left = driver
            var right = driver
            try left.run(&indexed)
            try right.run(&scanning)
            XCTAssertEqual(left.transcript, right.transcript, "after \(results) results")
            XCTAssertGreaterThan(left.transcript.count, driver.transcript.count, "after \(results) results")
        }
    }

    /// Each bracket examined either promotes (a proposal) or is left clean until a result arrives
    /// in it or a configuration is drawn from it, so a call examines about as many brackets late
    /// in a search as early on; the scan examined every bracket opened (here up to 600).
    func testBracketsExaminedPerProposal_doNotGrowWithTheSearch() throws {
        let setting = Setting(maxResource: 9, eta: 3, iterations: 200, workers: 2, seed: 3)
        var (strategy, _) = try strategies(setting)
        var driver = InterleavedHyperbandDriver(seed: 17, workers: setting.workers)
        var perProposal: [Double] = []
        var openBrackets: [Int] = []
        for _ in 0..<8 {
            let examined = strategy.bracketsExamined
            let proposals = driver.proposals
            try driver.run(&strategy, results: driver.results + 400)
            perProposal.append(Double(strategy.bracketsExamined - examined) / Double(driver.proposals - proposals))
            openBrackets.append(strategy.openBracketCount)
        }
        XCTAssertGreaterThan(strategy.bracketsOpened, 300)
        for (chunk, ratio) in perProposal.enumerated() {
            XCTAssertLessThanOrEqual(ratio, 3, "chunk \(chunk): \(perProposal)")
            XCTAssertLessThanOrEqual(ratio, perProposal[0] * 1.5, "chunk \(chunk): \(perProposal)")
        }
        XCTAssertLessThanOrEqual(openBrackets.max() ?? .max, 4, "\(openBrackets)")
    }
}

/// Runs a strategy against a fake trainer with a few workers: results arrive in seeded random
/// order, about one in ten fails, one in ten is stopped early, and one in twenty is delivered a
/// second time (a duplicate the strategy must ignore). Records everything a strategy decides.
struct InterleavedHyperbandDriver {
    enum Event: Hashable {
        case proposal(Proposal, phase: String)
        case standing(proposalID: Int, RungStanding?)
    }

    private var generator: SeededGenerator
    private let workers: Int
    private(set) var transcript: [Event] = []
    private(set) var results = 0
    private(set) var proposals = 0
    private var networks: [Int: String] = [:]
    private var running: [(id: Int, budget: Int)] = []
    private var delivered: [Int] = []

    init(seed: UInt64, workers: Int) {
        generator = SeededGenerator(seed: seed)
        self.workers = workers
    }

    private func value(of id: Int, budget: Int) -> Double {
        let text = networks[id] ?? ""
        let quality = Double(text.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) % 10007 }) / 10007
        return quality * (1 - exp(-Double(budget) / 3))
    }

    /// Proposes and delivers until the strategy is exhausted with nothing running, or `results`
    /// results have been delivered in all.
    mutating func run<Strategy: SearchStrategy>(_ strategy: inout Strategy, results limit: Int = .max) throws {
        while results < limit {
            if running.count < workers {
                let proposal = try strategy.propose()
                proposals += 1
                transcript.append(.proposal(proposal, phase: strategy.phase))
                switch proposal {
                case .train(let candidate):
                    networks[candidate.proposalID] = candidate.network.notation
                    running.append((candidate.proposalID, candidate.budget))
                    continue
                case .continueTraining(let id, let budget):
                    running.append((id, budget))
                    continue
                case .waitForResults, .waitForModel:
                    break
                case .exhausted:
                    if running.isEmpty { return }
                }
            }
            guard !running.isEmpty else { return }
            let job = running.remove(at: Int.random(in: 0..<running.count, using: &generator))
            transcript.append(.standing(proposalID: job.id, strategy.rungStanding(ofProposal: job.id)))
            let value = value(of: job.id, budget: job.budget)
            let outcome: TrialOutcome
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: outcome = .failed(reason: "crashed")
            case 1: outcome = .stoppedEarly(curve: [value / 2], predicted: value, sigma: 0.05)
            default: outcome = .completed(curve: [value])
            }
            observe(&strategy, job.id, job.budget, outcome)
            delivered.append(job.id)
            results += 1
            if Int.random(in: 0..<20, using: &generator) == 0,
                let again = delivered.randomElement(using: &generator)
            {
                observe(&strategy, again, 1, .completed(curve: [0.99]))
            }
        }
    }

    private func observe<Strategy: SearchStrategy>(
        _ strategy: inout Strategy, _ id: Int, _ budget: Int, _ outcome: TrialOutcome
    ) {
        strategy.observe(
            Observation(
                proposalID: id,
                candidate: Candidate(
                    proposalID: id, network: .sequential(Architecture(layers: [.softmax(classes: 10)])),
                    hyperparameters: [:], budget: budget),
                outcome: outcome))
    }
}
