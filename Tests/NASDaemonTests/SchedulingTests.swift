import NASCore
import XCTest

@testable import NASDaemon

final class FairShareTests: XCTestCase {
    func testSlots_areSharedInProportionToPriority() {
        var running = ["a": 0, "b": 0]
        let priority = ["a": 1.0, "b": 3.0]
        for _ in 0..<40 {
            let claims = running.map {
                FairShare.Claim(run: $0.key, priority: priority[$0.key] ?? 1, running: $0.value)
            }
            guard let run = FairShare.next(among: claims) else { return XCTFail("no run chosen") }
            running[run, default: 0] += 1
        }
        XCTAssertEqual(running["a"], 10)
        XCTAssertEqual(running["b"], 30)
    }

    func testNoClaims_choosesNothing_andTiesAreDeterministic() {
        XCTAssertNil(FairShare.next(among: []))
        let claims = [
            FairShare.Claim(run: "z", priority: 1, running: 0), FairShare.Claim(run: "m", priority: 1, running: 0),
        ]
        XCTAssertEqual(FairShare.next(among: claims), "m")
    }
}

final class LeaseTests: XCTestCase {
    func testLeaseExpires_whenWorkerGoesSilent() {
        var lease = Lease(jobID: 1, workerID: "w", now: 100, duration: 10)
        XCTAssertFalse(lease.isExpired(at: 109))
        lease.renew(now: 105, duration: 10)
        XCTAssertFalse(lease.isExpired(at: 114))
        XCTAssertTrue(lease.isExpired(at: 115.5))
    }

    func testProgress_movesLastProgress_butAnOlderRenewalNeverShortensTheDeadline() {
        var lease = Lease(jobID: 1, workerID: "w", now: 0, duration: 30)
        lease.progressed(now: 5, duration: 30)
        XCTAssertEqual(lease.lastProgress, 5)
        lease.renew(now: 1, duration: 1)
        XCTAssertEqual(lease.deadline, 35)
    }
}

final class FreeSlotTableTests: XCTestCase {
    func testMostFree_isTheWorkerWithTheMostFreeSlots_lowestIdOnTies_andNilWhenNoneIsFree() {
        var table = FreeSlotTable([(3, 2), (1, 2), (2, 5), (4, 0)])
        XCTAssertEqual(table.mostFree(), 2)
        table.update(2, freeSlots: 2)
        XCTAssertEqual(table.mostFree(), 1, "ties go to the lowest id")
        table.update(1, freeSlots: 0)
        table.update(2, freeSlots: 0)
        XCTAssertEqual(table.mostFree(), 3)
        table.update(3, freeSlots: 0)
        XCTAssertNil(table.mostFree())
        table.update(9, freeSlots: 1)
        XCTAssertEqual(table.mostFree(), 9, "a worker not in the table is added")
        XCTAssertNil(FreeSlotTable<Int>([]).mostFree())
    }

    /// The table chooses exactly as the scan over every session it replaces did, for seeded random
    /// fills of random workers.
    func testChoices_matchTheFullScan_overRandomFills() {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let workers = Int.random(in: 1...40, using: &generator)
            var free = (0..<workers).map { _ in Int.random(in: 0...4, using: &generator) }
            var table = FreeSlotTable(free.enumerated().map { ($0.offset, $0.element) })
            while true {
                let scanned = free.indices.filter { free[$0] > 0 }.max { (free[$0], $1) < (free[$1], $0) }
                XCTAssertEqual(table.mostFree(), scanned)
                guard let chosen = scanned else { break }
                free[chosen] -= 1
                table.update(chosen, freeSlots: free[chosen])
            }
        }
    }
}
