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
