#!/usr/bin/env python3
"""scikit-learn reference for SRM early stopping (Baker et al. 2018) on exactly the orderings nasd replayed.

    nasd predict eval --predictor srm --data CURVES.jsonl --train 100 --observe 0.25 --split-out split.json
    nasd replay --data CURVES.jsonl --early-stop srm --confidence D --orderings K --seed S \
        --orderings-out orderings.json --json
    python3 bench/srm_replay_reference.py --data CURVES.jsonl --split split.json --orderings orderings.json \
        --confidence D [--margin d] [--nth n] [--burn-in 100] [--min-epochs E] [--search-count 1000] [--seed 0]

The paper's way, one fit round: in each ordering the first `burn-in` rows train fully; on their curves one
NuSVR (RBF) per prefix length tau is fitted (bench/srm_reference.py: RandomizedSearchCV, 3-fold, the
paper's ranges C ~ LogUniform(1e-5, 10), nu ~ U(0, 1), gamma ~ LogUniform(1e-5, 10), standardized
features), sigma(tau) is the root mean squared leave-one-out error of the chosen hyperparameters, and from
then on a row is stopped after epoch tau (min-epochs <= tau < T) when Phi(y_ref - d; y_hat, sigma) >= D,
y_ref the n-th best final value of the rows completed so far. The split file only supplies each row's
features (all complete rows are in it, train or test). Prints the `nasd replay --json` keys with
"predictor": "sklearn_nusvr" and the per-ordering outcomes.
"""
import argparse
import json
import math

import numpy as np
from scipy.stats import loguniform, norm, uniform
from sklearn.model_selection import LeaveOneOut, RandomizedSearchCV, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import NuSVR

from srm_reference import features


def fit_models(rows, curve_of, hyper_names, search_count, seed):
    """{tau: (model, sigma)} fitted on the complete curves of `rows`."""
    models = {}
    lengths = sorted({tau for row in rows for tau in range(1, len(curve_of[row["row"]]))})
    for tau in lengths:
        serving = [row for row in rows if len(curve_of[row["row"]]) > tau]
        if len(serving) < 10:
            continue
        x = np.array([features(curve_of[row["row"]], tau, row, hyper_names) for row in serving])
        y = np.array([curve_of[row["row"]][-1] for row in serving])
        search = RandomizedSearchCV(
            make_pipeline(StandardScaler(), NuSVR(kernel="rbf")),
            {"nusvr__C": loguniform(1e-5, 10), "nusvr__nu": uniform(1e-3, 1 - 1e-3),
             "nusvr__gamma": loguniform(1e-5, 10)},
            n_iter=search_count, cv=3, scoring="neg_mean_squared_error", random_state=seed)
        search.fit(x, y)
        loo = cross_val_predict(search.best_estimator_, x, y, cv=LeaveOneOut())
        models[tau] = (search.best_estimator_, float(np.sqrt(np.mean((loo - y) ** 2))))
    return models


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--split", required=True)
    parser.add_argument("--orderings", required=True)
    parser.add_argument("--confidence", type=float, default=0.99)
    parser.add_argument("--margin", type=float, default=0.0)
    parser.add_argument("--nth", type=int, default=1)
    parser.add_argument("--burn-in", type=int, default=100)
    parser.add_argument("--min-epochs", type=int)
    parser.add_argument("--search-count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with open(args.data) as f:
        records = [json.loads(line) for line in f if line.strip()]
    with open(args.split) as f:
        split = json.load(f)
    with open(args.orderings) as f:
        orderings = json.load(f)["orderings"]
    curve_of = {index + 1: record["curve"] for index, record in enumerate(records)}
    row_of = {row["row"]: row for row in split["train"] + split["test"]}
    hyper_names = sorted({name for row in row_of.values() for name in row["hyper"]})
    longest = max(len(curve_of[number]) for number in row_of)
    min_epochs = args.min_epochs if args.min_epochs is not None else max(1, longest // 4)
    best = max(curve_of[number][-1] for number in row_of)

    outcomes = []
    for ordering in orderings:
        order = [row_of[number] for number in ordering["rows"]]
        completed, finals, models = [], [], None
        used = stopped = 0
        kept = False
        for row in order:
            curve = curve_of[row["row"]]
            stop_at = None
            if models is not None and len(finals) >= args.nth:
                reference = sorted(finals, reverse=True)[args.nth - 1] - args.margin
                for tau in range(min_epochs, len(curve)):
                    usable = [t for t in models if t <= tau]
                    if not usable:
                        continue
                    model, sigma = models[max(usable)]
                    predicted = float(model.predict([features(curve, max(usable), row, hyper_names)])[0])
                    probability = (norm.cdf(reference, loc=predicted, scale=sigma) if sigma > 0
                                   else float(predicted <= reference))
                    if probability >= args.confidence:
                        stop_at = tau
                        break
            if stop_at is not None:
                used += stop_at
                stopped += 1
                continue
            used += len(curve)
            completed.append(row)
            finals.append(curve[-1])
            kept = kept or curve[-1] == best
            if models is None and len(completed) >= args.burn_in:
                models = fit_models(completed, curve_of, hyper_names, args.search_count, args.seed)
        outcomes.append({"epochs_used": used, "stopped": stopped, "best_kept": kept})

    full = sum(len(curve_of[number]) for number in row_of)
    mean_used = sum(o["epochs_used"] for o in outcomes) / max(1, len(outcomes))
    print(json.dumps({
        "predictor": "sklearn_nusvr",
        "speedup": full / mean_used if mean_used > 0 else 1.0,
        "best_kept": sum(o["best_kept"] for o in outcomes),
        "orderings": len(outcomes),
        "epochs_used": mean_used,
        "epochs_full": full,
        "stopped": sum(o["stopped"] for o in outcomes) / max(1, len(outcomes)),
        "per_ordering": outcomes,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
