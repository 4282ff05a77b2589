/// The free slots of every connected worker during one dispatch pass: which worker gets the next
/// job (the one with the most free slots, the lowest id on ties, so the choice is deterministic).
///
/// Built once per pass from the worker sessions and kept up to date by the dispatcher for the
/// worker it just assigned to, so choosing costs a scan of plain integers instead of copying every
/// worker session for every slot filled (with hundreds of workers that copy dominated dispatch).
public struct FreeSlotTable<WorkerID: Hashable & Comparable> {
    private var ids: [WorkerID] = []
    private var free: [Int] = []
    private var index: [WorkerID: Int] = [:]

    /// A table of `(worker, free slots)`; workers without a free slot may be left out.
    public init<Workers: Sequence>(_ workers: Workers) where Workers.Element == (WorkerID, Int) {
        for (id, slots) in workers where index[id] == nil {
            index[id] = ids.count
            ids.append(id)
            free.append(max(0, slots))
        }
    }

    /// The worker with the most free slots (the lowest id on ties), or nil when no slot is free.
    public func mostFree() -> WorkerID? {
        var best: Int?
        for position in free.indices where free[position] > 0 {
            guard let current = best else {
                best = position
                continue
            }
            if free[position] > free[current] || (free[position] == free[current] && ids[position] < ids[current]) {
                best = position
            }
        }
        return best.map { ids[$0] }
    }

    /// Records that `worker` now has `slots` free slots (0 when it left).
    public mutating func update(_ worker: WorkerID, freeSlots slots: Int) {
        if let position = index[worker] {
            free[position] = max(0, slots)
        } else if slots > 0 {
            index[worker] = ids.count
            ids.append(worker)
            free.append(slots)
        }
    }
}
