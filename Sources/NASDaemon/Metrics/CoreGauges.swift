/// What only the daemon core knows, for `/metrics`: its workers and their slots. The `metrics`
/// control request's payload (run and trial figures are read from the stores instead, as
/// `nasd status` reads them).
public struct CoreGauges: Codable, Hashable, Sendable {
    /// Connected workers (past their handshake).
    public var workers: Int
    /// Their slots in all, and how many hold a job.
    public var slots: Int
    public var busySlots: Int
    /// Whether the daemon is draining (no new dispatches).
    public var isDraining: Bool

    public init(workers: Int, slots: Int, busySlots: Int, isDraining: Bool) {
        self.workers = workers
        self.slots = slots
        self.busySlots = busySlots
        self.isDraining = isDraining
    }
}
