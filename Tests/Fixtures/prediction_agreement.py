"""Regenerates prediction_agreement.json: Kendall's tau-b (scipy.stats.kendalltau) and R^2
(sklearn.metrics.r2_score, actual first) on fixed inputs, for PredictionAgreementTests.

Run: python3 Tests/Fixtures/prediction_agreement.py > Tests/Fixtures/prediction_agreement.json
"""
import json
import sys

import numpy as np
from scipy.stats import kendalltau
from sklearn.metrics import r2_score


def cases():
    rng = np.random.default_rng(20261201)
    yield [0.55, 0.70, 0.90], [0.60, 0.80, 0.85]
    yield [0.1, 0.2, 0.2, 0.4, 0.5], [0.3, 0.1, 0.4, 0.4, 0.9]  # ties on both sides
    yield [0.9, 0.8, 0.7, 0.6], [0.1, 0.2, 0.3, 0.4]  # reversed
    for n in (8, 25, 60):
        actual = rng.uniform(0.1, 0.95, n)
        predicted = actual + rng.normal(0, 0.08, n)
        yield [round(float(x), 4) for x in predicted], [round(float(x), 4) for x in actual]


def main():
    out = []
    for predicted, actual in cases():
        tau = kendalltau(predicted, actual).statistic  # tau-b, the default variant
        out.append({
            "predicted": predicted,
            "actual": actual,
            "kendall_tau": float(tau),
            "r_squared": float(r2_score(actual, predicted)),
        })
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
