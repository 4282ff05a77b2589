/// When SRM's models are refitted as complete curves arrive (the daemon's and `nasd replay`'s
/// cadence; the refit itself runs off the commit thread).
///
/// The first fit happens once `burnIn` complete curves exist; after that, a refit is due when the
/// count has grown by `max(minimumGrowth, ⌈growthFraction × count at the last fit⌉)`. Geometric
/// growth keeps the number of refits logarithmic in the number of curves (100 → 300 curves at the
/// defaults: 100, 125, 157, 197, 247 — 5 fits for 300 rows), while the first refits, where each new
/// curve adds most, come soonest. A fit of ~11 models on 100–300 curves takes about a second in a
/// release build at the default `SRMSettings` (docs/early-stopping.md), so a replay ordering of
/// ~300 rows spends well under ten seconds fitting.
public struct SRMRefitSchedule: Hashable, Sendable, Codable {
    /// Complete curves needed before the first fit (config key `burn_in`).
    public var burnIn: Int
    /// The relative growth of the training set that triggers a refit.
    public var growthFraction: Double
    /// The least absolute growth that triggers a refit.
    public var minimumGrowth: Int

    /// Creates a schedule.
    public init(burnIn: Int = 100, growthFraction: Double = 0.25, minimumGrowth: Int = 10) {
        self.burnIn = burnIn
        self.growthFraction = growthFraction
        self.minimumGrowth = minimumGrowth
    }

    /// Whether to fit now, with `completeCurves` available and the last fit made on
    /// `lastFitCount` curves (`nil` before the first fit).
    public func isFitDue(completeCurves: Int, lastFitCount: Int?) -> Bool {
        guard completeCurves >= burnIn else { return false }
        guard let lastFitCount else { return true }
        let growth = max(minimumGrowth, Int((growthFraction * Double(lastFitCount)).rounded(.up)))
        return completeCurves >= lastFitCount + growth
    }
}
