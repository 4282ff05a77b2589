import Foundation
import NASCore
import NASNumerics
import NASSearch

/// `nasd-bench srm-fit-scaling [COUNTS…]`: the time of one SRM model fit (prefix 5 of 20-epoch
/// surrogate curves, the default settings) as the number of complete curves grows, with the search
/// and σ on a sample of `SRMSettings.searchSampleLimit` curves (the default) and on every curve, in
/// the same invocation, and each fit's R² on 500 held-out curves. Every curve is searched only up to
/// 1,600 curves (default counts 200, 400, 800, 1,600, 3,200), where it already takes minutes.
enum SRMFitScaling {
    static let prefixEpochs = 5
    static let heldOut = 500
    static let largestSearchedWhole = 1_600

    static func run(counts: [Int]) throws {
        let largest = counts.max() ?? 0
        let records = try SurrogateBenchmark().curveRecords(count: largest + heldOut, budget: 20, seed: 17)
        let examples = try records.compactMap { try LearningCurveExample(record: $0) }
        let testing = Array(examples.suffix(heldOut))
        let sampled = SRMSettings()
        var whole = sampled
        whole.searchSampleLimit = .max
        print("srm fit, prefix \(prefixEpochs) of 20-epoch surrogate curves, R² on \(heldOut) held-out curves")
        print("curves  sampled (limit \(sampled.searchSampleLimit))   every curve            time ratio")
        for count in counts.sorted() {
            let training = Array(examples.prefix(count))
            let fast = try measure(training: training, testing: testing, settings: sampled)
            var line = String(format: "%6d  %7.2f s  R² %.4f    ", count, fast.seconds, fast.r2)
            if count <= largestSearchedWhole {
                let slow = try measure(training: training, testing: testing, settings: whole)
                line += String(format: "%7.2f s  R² %.4f    %.2f×", slow.seconds, slow.r2, slow.seconds / fast.seconds)
            } else {
                line += "(not run)"
            }
            print(line)
        }
    }

    private static func measure(
        training: [LearningCurveExample], testing: [LearningCurveExample], settings: SRMSettings
    ) throws -> (seconds: Double, r2: Double) {
        let started = ContinuousClock.now
        let models = try SequentialRegressionModels.fit(
            examples: training, settings: settings, seed: 3, prefixLengths: [prefixEpochs])
        let elapsed = ContinuousClock.now - started
        let predictions = try testing.map {
            try models.predict(features: $0.features, prefix: $0.curve.truncated(toEpoch: prefixEpochs)).mean
        }
        let r2 = try RegressionMetrics.coefficientOfDetermination(
            predictions: predictions, targets: testing.map(\.finalValue))
        return (seconds(elapsed), r2 ?? .nan)
    }
}
