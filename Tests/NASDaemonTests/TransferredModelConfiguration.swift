/// The configuration both transferred-model suites submit: predictor-driven evolution with
/// `strategy.predictor_model` on line 6, so that located errors can be checked at it.
enum TransferredModelConfiguration {
    static func text(model: String, predictor: String, space: String = "{kind: nb201}") -> String {
        """
        name: transfer
        seed: 3
        space: \(space)
        strategy:
          kind: evolution
          predictor_model: \(model)
          predictor: \(predictor)
          population: 4
          sample_size: 2
          train_top_k: 3
          predictor_generations: 1
        training: {epochs: 12}
        trainer: {builtin: replay, file: curves.jsonl}
        """
    }
}
