import Foundation
import NASCore
import NASSearch

/// `nasd-bench peephole-predict MODEL CURVES [ROUNDS]`: the time Peephole takes to predict one
/// architecture the way the daemon's prior does (`PeepholeModel.predict(_:input:epoch:)`: encode the
/// network, its size statistics, one forward pass), for every network of a curves file, ROUNDS
/// times over (default 5), one network per call. Issue 9's goal: ≤ 1 ms per architecture.
enum PeepholePredictTiming {
    static func run(modelPath: String, curvesPath: String, rounds: Int) throws {
        let model = try PeepholeModel(data: Data(contentsOf: URL(fileURLWithPath: modelPath)))
        let records = try CurvesFile.parse(Data(contentsOf: URL(fileURLWithPath: curvesPath)))
        let networks = records.compactMap { record in record.network.network.map { ($0, record.input) } }
        guard !networks.isEmpty else { throw BenchError("no architecture in \(curvesPath) can be read as a network") }
        let epoch = model.nearestTrainedEpoch(Int.max)
        var latencies: [Double] = []
        var checksum = 0.0
        for _ in 0..<max(1, rounds) {
            for (network, input) in networks {
                let started = ContinuousClock.now
                checksum += try model.predict(network, input: input, epoch: epoch)
                latencies.append(seconds(ContinuousClock.now - started))
            }
        }
        print("peephole: \(networks.count) architectures × \(max(1, rounds)) rounds, one per call, epoch \(epoch)")
        print(
            "prediction per architecture: \(LatencySummary(latencies)), mean "
                + String(format: "%.3f ms", 1000 * latencies.reduce(0, +) / Double(latencies.count))
                + String(format: " (checksum %.6f)", checksum))
    }
}
