#!/usr/bin/env python3
"""Random-forest reference for Peephole (issue 9 §5) on exactly the split nasd used, in one invocation.

    python3 bench/peephole_forest.py --nasd .build/release/nasd --data CURVES.jsonl --train N [--seed S]
        [--threads T] [--epochs E] [--statistics on|off] [--standardize-targets on|off] [--cosine-decay on|off]
        [--batch-size B] [--minimum-steps N] [--averaged-fraction F]

Runs `nasd predict eval --predictor peephole --json --split-out` (Peephole and the params baseline), then
fits scikit-learn's RandomForestRegressor (500 trees, random_state = seed) on simple architecture features of
the same training rows: log10(1 + parameters), log10(1 + MACs), the code count (depth) and the count of each
Unified Layer Code type 1..12 (conv, max pool, avg pool, ReLU, sigmoid, tanh, BN, FC, GAP, identity, zero,
merge), all written by nasd into the split file. Prints one JSON object: nasd's report, the forest's
kendall_tau / r2 / mse on the same test rows, and nasd's wall-clock seconds.
"""
import argparse
import json
import math
import os
import subprocess
import tempfile
import time

import numpy as np
from scipy.stats import kendalltau
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error, r2_score


def features(row):
    counts = row["type_counts"]
    return [math.log10(1 + row["parameters"]), math.log10(1 + row["macs"]), sum(counts)] + counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nasd", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--train", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--statistics", choices=["on", "off"], default="on",
                        help="Peephole's global statistics input (nasd's extension; docs/predictors.md)")
    parser.add_argument("--standardize-targets", choices=["on", "off"], default="on")
    parser.add_argument("--cosine-decay", choices=["on", "off"], default="on")
    parser.add_argument("--batch-size", type=int, help="Peephole's mini-batch size (nasd's default when absent)")
    parser.add_argument("--minimum-steps", type=int, help="Peephole's step floor (nasd's default when absent)")
    parser.add_argument("--averaged-fraction", type=float,
                        help="Peephole's weight-averaged fraction of the passes (nasd's default when absent)")
    args = parser.parse_args()
    extra = []
    if args.batch_size is not None:
        extra += ["--batch-size", str(args.batch_size)]
    if args.minimum_steps is not None:
        extra += ["--minimum-steps", str(args.minimum_steps)]
    if args.averaged_fraction is not None:
        extra += ["--averaged-fraction", str(args.averaged_fraction)]
    with tempfile.TemporaryDirectory() as directory:
        split_path = os.path.join(directory, "split.json")
        started = time.monotonic()
        output = subprocess.run(
            [args.nasd, "predict", "eval", "--predictor", "peephole", "--data", args.data, "--train",
             str(args.train), "--seed", str(args.seed), "--threads", str(args.threads), "--epochs",
             str(args.epochs), "--statistics", args.statistics, "--standardize-targets", args.standardize_targets,
             "--cosine-decay", args.cosine_decay, "--split-out", split_path, "--json"] + extra,
            check=True, capture_output=True, text=True).stdout
        seconds = time.monotonic() - started
        with open(split_path) as handle:
            split = json.load(handle)
    report = json.loads(output)
    train_x = np.array([features(row) for row in split["train"]])
    train_y = np.array([row["accuracy"] for row in split["train"]])
    test_x = np.array([features(row) for row in split["test"]])
    test_y = np.array([row["accuracy"] for row in split["test"]])
    forest = RandomForestRegressor(n_estimators=500, random_state=args.seed, n_jobs=1).fit(train_x, train_y)
    predicted = forest.predict(test_x)
    print(json.dumps({
        "nasd": report,
        "nasd_seconds": round(seconds, 1),
        "random_forest": {
            "kendall_tau": kendalltau(predicted, test_y).statistic,
            "r2": r2_score(test_y, predicted),
            "mse": mean_squared_error(test_y, predicted),
            "n_train": len(train_y),
            "n_test": len(test_y),
        },
    }, indent=2))


if __name__ == "__main__":
    main()
