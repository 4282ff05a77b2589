import Foundation

/// Loaded replay trainers by curves-file path, so that a worker parses each file once.
actor ReplayTrainerCache {
    private var trainers: [String: ReplayTrainer] = [:]

    /// The replay trainer for a curves file, loading it (on a thread of its own) the first time.
    ///
    /// - Throws: `TrainerError.curvesFileUnreadable` / `.curvesFileMalformed`.
    func trainer(forPath path: String) async throws(TrainerError) -> ReplayTrainer {
        if let trainer = trainers[path] { return trainer }
        let loaded = await BlockingCall.run { () -> Result<ReplayTrainer, TrainerError> in
            do throws(TrainerError) {
                return .success(try ReplayTrainer(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                return .failure(error)
            }
        }
        let trainer = try loaded.get()
        trainers[path] = trainer
        return trainer
    }
}
