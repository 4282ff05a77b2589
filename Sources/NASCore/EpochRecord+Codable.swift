extension EpochRecord: Codable {
    /// Reads `{"epoch":3,"val_acc":0.71,...}`: every other key with a numeric value becomes a
    /// metric; keys with other values are ignored, so a trainer may add notes.
    ///
    /// - Throws: `DecodingError` when `epoch` is missing or below 1, or `val_acc` is missing or
    ///   outside [0, 1].
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MetricKey.self)
        let epoch = try container.decode(Int.self, forKey: .epoch)
        guard epoch >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .epoch, in: container, debugDescription: "epochs start at 1")
        }
        let accuracy = try container.decode(Double.self, forKey: .validationAccuracy)
        guard accuracy >= 0, accuracy <= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .validationAccuracy, in: container, debugDescription: "val_acc must be in [0, 1]")
        }
        var metrics: [String: Double] = [:]
        for key in container.allKeys where key != .epoch && key != .validationAccuracy {
            if let value = try? container.decode(Double.self, forKey: key) {
                metrics[key.stringValue] = value
            }
        }
        self.init(epoch: epoch, validationAccuracy: accuracy, metrics: metrics)
    }

    /// Writes `epoch`, `val_acc` and each metric as a top-level key (a metric named `epoch` or
    /// `val_acc` is not written).
    ///
    /// - Throws: `EncodingError` for a non-finite value, which JSON cannot hold.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MetricKey.self)
        for (name, value) in metrics
        where name != MetricKey.epoch.stringValue
            && name != MetricKey.validationAccuracy.stringValue
        {
            try container.encode(value, forKey: MetricKey(stringValue: name))
        }
        try container.encode(epoch, forKey: .epoch)
        try container.encode(validationAccuracy, forKey: .validationAccuracy)
    }

    /// Any key of the flat JSON object.
    private struct MetricKey: CodingKey, Hashable {
        static let epoch = MetricKey(stringValue: "epoch")
        static let validationAccuracy = MetricKey(stringValue: "val_acc")

        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            return nil
        }
    }
}
