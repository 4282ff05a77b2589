import Foundation
import NASCore
import XCTest

final class HyperparameterDomainTests: XCTestCase {
    func testSamples_stayInTheirRanges_andLogUniformIsUniformInTheLog() {
        var generator = SeededGenerator(seed: 4)
        let logUniform = HyperparameterDomain.logUniform(low: 1e-4, high: 1e-1)
        let draws = (0..<4000).map { _ in logUniform.sample(using: &generator) }
        XCTAssertTrue(draws.allSatisfy { (1e-4..<1e-1).contains($0) })
        // A quarter of the log range each: 1e-4…10^-3.25, …, 10^-1.75…1e-1.
        let belowMiddle = draws.filter { $0 < pow(10, -2.5) }.count
        XCTAssertEqual(Double(belowMiddle) / 4000, 0.5, accuracy: 0.03)
        let uniform = HyperparameterDomain.uniform(low: -1, high: 3)
        XCTAssertTrue((0..<500).allSatisfy { _ in (-1..<3).contains(uniform.sample(using: &generator)) })
        let choice = HyperparameterDomain.choice([1, 2, 3])
        XCTAssertEqual(Set((0..<200).map { _ in choice.sample(using: &generator) }), [1, 2, 3])
    }

    func testMutation_movesWithinTheRange_andAChoiceToAnotherValue() {
        var generator = SeededGenerator(seed: 9)
        let range = HyperparameterDomain.logUniform(low: 1e-4, high: 1e-1)
        var value = 1e-4
        for _ in 0..<300 {
            let next = range.mutate(value, using: &generator)
            XCTAssertTrue((1e-4..<1e-1).contains(next))
            // One step moves at most a fifth of the log range (0.6 decades).
            XCTAssertLessThanOrEqual(abs(log10(next) - log10(value)), 0.6 + 1e-9)
            value = next
        }
        let choice = HyperparameterDomain.choice([0.1, 0.2, 0.3])
        XCTAssertTrue((0..<50).allSatisfy { _ in choice.mutate(0.2, using: &generator) != 0.2 })
    }

    func testFixedValues_drawNothing() {
        var generator = SeededGenerator(seed: 1)
        var untouched = SeededGenerator(seed: 1)
        let space: HyperparameterSpace = ["a": 1, "b": .choice([7])]
        XCTAssertEqual(space.sample(using: &generator), ["a": 1, "b": 7])
        XCTAssertFalse(space.isSearched)
        XCTAssertEqual(space.fixedValues, ["a": 1, "b": 7])
        XCTAssertEqual(generator.next(), untouched.next())
    }

    func testProblems_nameWhatIsWrong() {
        XCTAssertNotNil(HyperparameterDomain.choice([]).problem)
        XCTAssertNotNil(HyperparameterDomain.uniform(low: 2, high: 2).problem)
        XCTAssertNotNil(HyperparameterDomain.logUniform(low: 0, high: 1).problem)
        XCTAssertNil(HyperparameterDomain.logUniform(low: 1e-5, high: 1).problem)
    }
}
