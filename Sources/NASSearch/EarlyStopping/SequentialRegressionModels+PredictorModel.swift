import Foundation

/// SRM's models are the model `SRMPruner` fits, stored as JSON in the run store.
extension SequentialRegressionModels: PredictorModel {
    public func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }
}
