#!/usr/bin/env python3
"""scikit-learn reference for SRM (Baker et al. 2018) on exactly the split nasd used.

    nasd predict eval --predictor srm --data CURVES.jsonl --train N --observe F --seed S \
        --split-out split.json --json
    python3 bench/srm_reference.py --data CURVES.jsonl --split split.json [--search-count 1000] [--seed 0]

One NuSVR (RBF) per prefix length tau in epochs, fitted on the training rows whose curves run past tau
(only the lengths that some test row is predicted with are fitted);
hyperparameters by RandomizedSearchCV (3-fold) over the paper's ranges C ~ LogUniform(1e-5, 10),
nu ~ U(0, 1), gamma ~ LogUniform(1e-5, 10); features y(1..tau), first and second differences,
log10(weights), layers, epoch budget and hyperparameters (the row features nasd wrote to the split file),
standardized with StandardScaler (the paper does not say; unscaled RBF distances would be dominated by
the weight count). Each test row is observed for max(1, round(F x T)) epochs and predicted by the longest
model tau <= that. Prints the `predict eval` JSON keys with predictor "sklearn_nusvr".
Curves must be reported every epoch (1, 2, ...); other grids are nasd's business, not the reference's.
"""
import argparse
import json
import math

import numpy as np
from scipy.stats import kendalltau, loguniform, uniform
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import NuSVR


def observed_epochs(final_epoch, fraction):
    value = fraction * final_epoch
    return max(1, int(math.floor(value + 0.5)))  # half away from zero, as nasd rounds


def features(curve, tau, row, hyper_names):
    y = np.asarray(curve[:tau], dtype=float)
    d1 = np.diff(y)
    d2 = np.diff(d1)
    hyper = [row["hyper"].get(name, 0.0) for name in hyper_names]
    return np.concatenate([y, d1, d2, [math.log10(max(1, row["parameters"])), row["layers"], row["budget"]], hyper])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--split", required=True)
    parser.add_argument("--search-count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with open(args.data) as f:
        records = [json.loads(line) for line in f if line.strip()]
    with open(args.split) as f:
        split = json.load(f)
    curve_of = {index + 1: record["curve"] for index, record in enumerate(records)}
    train, test = split["train"], split["test"]
    hyper_names = sorted({name for row in train for name in row["hyper"]})

    lengths = sorted({tau for row in train for tau in range(1, len(curve_of[row["row"]]))})
    # A prefix length gets a model when at least 10 training curves run past it; a test row is predicted by
    # the longest such length within its observed epochs. Only the lengths some test row uses are fitted:
    # the predictions are the same as fitting every length, at a fraction of the time on long curves.
    servable = [tau for tau in lengths if sum(len(curve_of[row["row"]]) > tau for row in train) >= 10]
    needed = set()
    for row in test:
        observed = observed_epochs(len(curve_of[row["row"]]), split["observe"])
        usable = [tau for tau in servable if tau <= observed]
        if usable:
            needed.add(max(usable))
    models = {}
    for tau in sorted(needed):
        serving = [row for row in train if len(curve_of[row["row"]]) > tau]
        x = np.array([features(curve_of[row["row"]], tau, row, hyper_names) for row in serving])
        y = np.array([curve_of[row["row"]][-1] for row in serving])
        search = RandomizedSearchCV(
            make_pipeline(StandardScaler(), NuSVR(kernel="rbf")),
            {"nusvr__C": loguniform(1e-5, 10), "nusvr__nu": uniform(1e-3, 1 - 1e-3),
             "nusvr__gamma": loguniform(1e-5, 10)},
            n_iter=args.search_count, cv=3, scoring="neg_mean_squared_error", random_state=args.seed)
        search.fit(x, y)
        models[tau] = search.best_estimator_

    predictions, last_seen, targets = [], [], []
    for row in test:
        curve = curve_of[row["row"]]
        observed = observed_epochs(len(curve), split["observe"])
        usable = [tau for tau in models if tau <= observed]
        if not usable:
            raise SystemExit(f"no model for a prefix of {observed} epochs (row {row['row']})")
        tau = max(usable)
        predictions.append(float(models[tau].predict([features(curve, tau, row, hyper_names)])[0]))
        last_seen.append(curve[observed - 1])
        targets.append(curve[-1])

    def tau_b(a, b):
        value = kendalltau(a, b).statistic
        return None if np.isnan(value) else float(value)

    print(json.dumps({
        "predictor": "sklearn_nusvr",
        "r2": float(r2_score(targets, predictions)),
        "mse": float(mean_squared_error(targets, predictions)),
        "kendall_tau": tau_b(predictions, targets),
        "n_train": len(train),
        "n_test": len(test),
        "baseline": "last_seen",
        "baseline_r2": float(r2_score(targets, last_seen)),
        "baseline_mse": float(mean_squared_error(targets, last_seen)),
        "baseline_kendall_tau": tau_b(last_seen, targets),
    }, sort_keys=True))


if __name__ == "__main__":
    main()
