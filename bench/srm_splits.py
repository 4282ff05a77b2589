#!/usr/bin/env python3
"""SRM's R² against scikit-learn's NuSVR searched the paper's way, over many splits of recorded curves
(issue 8 §6, second goal; docs/BENCHMARKS.md, "SRM: an average of the 5 best candidates, clipped").

    python3 bench/srm_splits.py --nasd .build/release/nasd [--data FILE ...] [--splits 30] [--first-seed 1]
        [--reference-seeds 0,1,2] [--search-count 200] [--train 100] [--observe 0.25] [--json-out FILE]

For each file and each seed S of the splits: `nasd predict eval --predictor srm --train N --observe F --seed S
--split-out SPLIT --json`, then bench/srm_reference.py on exactly that split once per reference search seed
(the reference's random search is itself a draw: its seeds differ by about 0.005 in mean R² over 10 splits).
Prints per file the mean R² of SRM, of the last value seen and of each reference seed, and on how many splits
SRM is at least the mean of the reference seeds. One split is close to a coin flip (the per-split spread is
about 0.05); the mean over 30 splits is what the goal is read on. Needs python3 with scikit-learn and scipy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = [os.path.join(HERE, "data", name) for name in
                ("digits-curves.jsonl", "digits-curves-27.jsonl", "digits-curves-81.jsonl")]


def run_json(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nasd", required=True)
    parser.add_argument("--data", nargs="+", default=DEFAULT_DATA)
    parser.add_argument("--splits", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--reference-seeds", default="0,1,2")
    parser.add_argument("--search-count", type=int, default=200)
    parser.add_argument("--train", type=int, default=100)
    parser.add_argument("--observe", type=float, default=0.25)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    reference_seeds = [int(seed) for seed in args.reference_seeds.split(",") if seed]
    nasd = os.path.abspath(args.nasd)
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for data in args.data:
            name = os.path.basename(data)
            rows = []
            for seed in range(args.first_seed, args.first_seed + args.splits):
                split = os.path.join(work, f"split-{seed}.json")
                srm = run_json([nasd, "predict", "eval", "--predictor", "srm", "--data", data, "--train",
                                str(args.train), "--observe", str(args.observe), "--seed", str(seed),
                                "--split-out", split, "--json"])
                references = [run_json([sys.executable, os.path.join(HERE, "srm_reference.py"), "--data", data,
                                        "--split", split, "--search-count", str(args.search_count), "--seed",
                                        str(reference_seed)])["r2"] for reference_seed in reference_seeds]
                rows.append({"seed": seed, "srm": srm["r2"], "last_seen": srm["baseline_r2"],
                             "references": references})
                print(f"{name} seed {seed}: SRM {srm['r2']:.4f}, last seen {srm['baseline_r2']:.4f}, "
                      f"references {' / '.join(f'{r:.4f}' for r in references)}", flush=True)
            results[name] = rows
    print(f"\n| file | splits | SRM R² | last-seen R² | "
          + " | ".join(f"reference seed {seed}" for seed in reference_seeds)
          + " | reference mean | SRM ≥ reference mean |")
    print("|---|---:|---:|---:|" + "---:|" * (len(reference_seeds) + 2))
    for name, rows in results.items():
        reference_means = [statistics.mean(row["references"]) for row in rows] if reference_seeds else []
        at_least = sum(row["srm"] >= mean for row, mean in zip(rows, reference_means))
        columns = [statistics.mean(row["references"][index] for row in rows) for index in range(len(reference_seeds))]
        print(f"| {name} | {len(rows)} | {statistics.mean(row['srm'] for row in rows):.4f} | "
              f"{statistics.mean(row['last_seen'] for row in rows):.4f} | "
              + " | ".join(f"{value:.4f}" for value in columns)
              + (f" | {statistics.mean(reference_means):.4f} | {at_least}/{len(rows)} |" if reference_seeds
                 else " | — | — |"))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
