import Foundation
import NASCore

/// Curves files made with NASCore's surrogate benchmark, for tests of learning-curve predictors
/// (there are no real per-epoch curves in the shared data).
public enum SurrogateCurves {
    /// `count` complete rows (`SurrogateBenchmark.curveRecords(count:budget:seed:)`).
    public static func records(count: Int, budget: Int, seed: UInt64) throws -> [CurveRecord] {
        try SurrogateBenchmark().curveRecords(count: count, budget: budget, seed: seed)
    }
}
