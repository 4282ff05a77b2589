import NASSearch
import NASStore

extension CurvePrefix {
    /// A trial's stored curve at the epochs it was reported (a trainer may report every k-th epoch).
    ///
    /// The store keeps one row per epoch, in epoch order, each epoch at least 1 and each value in
    /// [0, 1], so the points always form a prefix; were they not to, the values are read as epochs
    /// 1…n rather than lost.
    init(stored points: [CurvePoint]) {
        let values = points.map(\.validationAccuracy)
        self = (try? CurvePrefix(values: values, epochs: points.map(\.epoch))) ?? CurvePrefix(values: values)
    }
}
