import Foundation
import NASCore
import XCTest

@testable import NASSearch

/// Candidates are stored as JSON in every proposal row: the network as its notation, and the
/// JSON form earlier builds wrote still read.
final class CandidateCodingTests: XCTestCase {
    private let samplers: [(String, any NetworkSampler)] = {
        var spaces: [(String, any NetworkSampler)] = []
        if let space = try? MetaQNNSpace() { spaces.append(("metaqnn", space)) }
        if let space = try? BlockSpace() { spaces.append(("blocks", space)) }
        if let space = try? CellSpace() { spaces.append(("cells", space)) }
        if let space = try? NASBench201Space() { spaces.append(("nb201", space)) }
        return spaces
    }()

    func testEveryKindOfNetwork_roundTrips_throughItsNotation() throws {
        XCTAssertEqual(samplers.count, 4)
        var generator = SeededGenerator(seed: 11)
        for (name, sampler) in samplers {
            for index in 0..<200 {
                let candidate = Candidate(
                    proposalID: index, network: try sampler.sampleNetwork(using: &generator),
                    hyperparameters: ["learning_rate": 0.1 * Double(index % 7) + 0.001], budget: 1 + index % 9,
                    phase: index.isMultiple(of: 2) ? ProposalPhase(epsilon: 0.5) : nil)
                let data = try JSONEncoder().encode(candidate)
                XCTAssertEqual(try JSONDecoder().decode(Candidate.self, from: data), candidate, "\(name) #\(index)")
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                XCTAssertEqual(object["notation"] as? String, candidate.network.notation)
                XCTAssertNil(object["architecture"], "the network's JSON form is no longer stored")
            }
        }
    }

    /// The daemon's hand-written form is `encode(to:)`'s object (the same keys and values) and
    /// decodes to an equal candidate, for every kind of network, phase and hyperparameter.
    func testStoredJSON_isTheEncodableObject_andDecodesToAnEqualCandidate() throws {
        var generator = SeededGenerator(seed: 5)
        let phases: [ProposalPhase?] = [
            nil, ProposalPhase(epsilon: 0.1), ProposalPhase(generation: 3), ProposalPhase(bracket: 4, rung: 0),
            ProposalPhase(epsilon: 1e-7, generation: 0, bracket: 2, rung: 1), ProposalPhase(),
        ]
        for (name, sampler) in samplers {
            for index in 0..<120 {
                let hyperparameters: [String: Double] =
                    index.isMultiple(of: 3)
                    ? [:] : ["learning_rate": Double.random(in: 1e-6...1, using: &generator), "w\"d\\": -3.25e-300]
                let candidate = Candidate(
                    proposalID: index * 7919, network: try sampler.sampleNetwork(using: &generator),
                    hyperparameters: hyperparameters, budget: index % 11, phase: phases[index % phases.count])
                let stored = try candidate.storedJSON(notation: candidate.network.notation)
                XCTAssertEqual(try JSONDecoder().decode(Candidate.self, from: stored), candidate, "\(name) #\(index)")
                let byHand = try XCTUnwrap(try JSONSerialization.jsonObject(with: stored) as? NSDictionary)
                let encoded = try XCTUnwrap(
                    try JSONSerialization.jsonObject(with: try JSONEncoder().encode(candidate)) as? NSDictionary)
                XCTAssertEqual(byHand, encoded, "\(name) #\(index): \(String(decoding: stored, as: UTF8.self))")
            }
        }
    }

    func testStoredJSON_refusesANumberJSONCannotExpress() {
        let network = Network.sequential(Architecture(layers: [.softmax(classes: 10)]))
        for (candidate, field) in [
            (
                Candidate(proposalID: 1, network: network, hyperparameters: ["lr": .nan], budget: 1),
                "hyperparameters.lr"
            ),
            (
                Candidate(
                    proposalID: 1, network: network, hyperparameters: [:], budget: 1,
                    phase: ProposalPhase(epsilon: .infinity)), "phase.epsilon"
            ),
        ] {
            XCTAssertThrowsError(try candidate.storedJSON(notation: network.notation)) { error in
                XCTAssertEqual((error as? Candidate.StoredJSONError)?.field, field)
            }
            XCTAssertThrowsError(try JSONEncoder().encode(candidate), "JSONEncoder refuses it too")
        }
    }

    /// Proposal rows written before the network was stored as notation.
    func testCandidatesOfEarlierBuilds_stillDecode() throws {
        let sequential = Data(
            #"{"hyperparameters":{"learning_rate":0.01},"architecture":{"layers":[{"kernel":5,"type":"conv","filters":64,"stride":1},{"type":"gap","classes":10},{"type":"softmax","classes":10}]},"proposalID":1,"budget":2}"#
                .utf8)
        let decoded = try JSONDecoder().decode(Candidate.self, from: sequential)
        XCTAssertEqual(decoded.network.notation, "[C(64,5,1), GAP(10), SM(10)]")
        XCTAssertEqual(decoded.budget, 2)
        XCTAssertEqual(decoded.hyperparameters, ["learning_rate": 0.01])
        let cell = Data(
            #"{"hyperparameters":{},"architecture":{"nb201_ops":["nor_conv_3x3","skip_connect","none","avg_pool_3x3","nor_conv_1x1","skip_connect"]},"proposalID":7,"budget":12}"#
                .utf8)
        let nb201 = try JSONDecoder().decode(Candidate.self, from: cell)
        guard case .nb201(let decodedCell) = nb201.network else { return XCTFail("\(nb201.network)") }
        XCTAssertEqual(decodedCell.operations.first, .convolution3x3)
    }

    func testANotationThatDoesNotParse_isADecodingError() {
        let data = Data(#"{"hyperparameters":{},"notation":"[C(64,5", "proposalID":1,"budget":2}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Candidate.self, from: data)) { error in
            XCTAssertTrue(error is DecodingError, "\(error)")
        }
    }
}
