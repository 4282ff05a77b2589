#!/usr/bin/env python3
"""scikit-learn random-forest reference for the RNAS ranker (issue 9 §5), on the same protocol as

    nasd predict eval --predictor rnas --data CURVES.jsonl --train N --seed S --json

Train on N random complete rows, report Kendall tau-b of the predictions on the other complete rows, for
several random splits (numpy's, not nasd's: the figures compare means over seeds). Features, as in
ALGORITHMS.md's data notes:
  - NAS-Bench-101 cells (`cell` rows): the 7x7 adjacency flattened (zero-padded after the output, as the
    nasbench-vis export pads), one-hot ops (input, output, conv3x3, conv1x1, max-pool, padding) per node, and
    log10 of `params`;
  - NAS-Bench-201 cells (`arch` rows starting with '|'): one-hot of the 5 ops on each of the 6 edges, and
    log10 of the edges' parameter sum over the 15 cells (what nasd's baseline counts; the rows have no params).
Prints one JSON object: per-seed tau, their mean and standard deviation.
    python3 bench/rnas_reference.py --data CURVES.jsonl --train 424 --seeds 10
"""
import argparse
import json
import math

import numpy as np
from scipy.stats import kendalltau
from sklearn.ensemble import RandomForestRegressor

NB101_OPS = {-1: 0, -2: 1, 0: 2, 1: 3, 2: 4, -3: 5, "input": 0, "output": 1, "conv3x3-bn-relu": 2,
             "conv1x1-bn-relu": 3, "maxpool3x3": 4}
NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def nb201_params(ops):
    total = 0
    for op in ops:
        for c in (16, 32, 64):
            per_cell = {"nor_conv_3x3": 9 * c * c + 2 * c, "nor_conv_1x1": c * c + 2 * c}.get(op, 0)
            total += 5 * per_cell
    return total


def features(row):
    if "cell" in row:
        ops = row["cell"]["ops"]
        adjacency = np.zeros((7, 7))
        matrix = np.asarray(row["cell"]["adjacency"], dtype=float)
        adjacency[: matrix.shape[0], : matrix.shape[1]] = matrix
        one_hot = np.zeros((7, 6))
        for index in range(7):
            one_hot[index, NB101_OPS[ops[index]] if index < len(ops) else 5] = 1
        return np.concatenate([adjacency.ravel(), one_hot.ravel(), [math.log10(max(1, row.get("params", 1)))]])
    arch = row["arch"]
    ops = [edge.split("~")[0] for node in arch.split("+") for edge in node.strip("|").split("|")]
    one_hot = np.zeros((6, 5))
    for index, op in enumerate(ops):
        one_hot[index, NB201_OPS.index(op)] = 1
    return np.concatenate([one_hot.ravel(), [math.log10(max(1, nb201_params(ops)))]])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--train", type=int, required=True)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trees", type=int, default=500)
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.data) if line.strip()]
    rows = [row for row in rows if row.get("complete", True)]
    x = np.stack([features(row) for row in rows])
    y = np.asarray([row["curve"][-1] for row in rows])
    taus = []
    for seed in range(args.seeds):
        order = np.random.default_rng(seed).permutation(len(rows))
        train, test = order[: args.train], order[args.train:]
        forest = RandomForestRegressor(n_estimators=args.trees, random_state=seed, n_jobs=1)
        forest.fit(x[train], y[train])
        taus.append(float(kendalltau(forest.predict(x[test]), y[test]).statistic))
    print(json.dumps({"predictor": "sklearn_random_forest", "n_train": args.train, "n_test": len(rows) - args.train,
                      "kendall_tau": taus, "mean": float(np.mean(taus)), "std": float(np.std(taus, ddof=1))}))


if __name__ == "__main__":
    main()
