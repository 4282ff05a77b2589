#!/usr/bin/env python3
"""`make bench` on the recorded real curves (bench/data/digits-curves.jsonl; docs/BENCHMARKS.md, "Real curves
(digits)"): SRM's predictions and early-stopping replays and Peephole's ranking, each beside its reference.

    python3 bench/real_curves.py --nasd .build/release/nasd [--data bench/data/digits-curves.jsonl] [--full]
        [--rows N] [--json-out FILE]

1. `nasd predict eval --predictor srm --train 100 --observe 0.25` on seeds 1..3 (R², MSE, Kendall τ-b; the
   last-seen value beside it) and bench/srm_reference.py (scikit-learn's NuSVR the paper's way) on each split.
2. `nasd replay --early-stop srm --confidence 0.99 --orderings 10 --seed 0` (timed: the issue's ≤ 5 min goal)
   and bench/srm_replay_reference.py on exactly its orderings.
3. Δ 0.95 / 0.99 × compare_to_nth 1 / 3, 5 orderings each.
4. Warm start: the rows split in two seeded halves; the second half replayed cold and with
   `--warm-start` the first half.
5. bench/peephole_forest.py: Peephole vs the parameter-count baseline vs a random forest, seeds 0..2.

The references need python3 with scikit-learn (and scipy); without it they are skipped, saying so.
--full raises the references' random search to the paper's 1000 candidates (bench/srm_*reference.py
default) and adds seeds; the default uses 200 (on these curves the same R² to ±0.01; see the docs).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(command, **kwargs):
    started = time.monotonic()
    output = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs).stdout
    return output, time.monotonic() - started


def run_json(command, **kwargs):
    output, seconds = run(command, **kwargs)
    return json.loads(output), seconds


def have_sklearn():
    return subprocess.run([sys.executable, "-c", "import sklearn, scipy"], capture_output=True).returncode == 0


def fmt(value, digits=3):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nasd", required=True)
    parser.add_argument("--data", default=os.path.join(HERE, "data", "digits-curves.jsonl"))
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--json-out")
    parser.add_argument("--rows", type=int, help="measure on the file's first N rows only")
    args = parser.parse_args()
    nasd, data = os.path.abspath(args.nasd), os.path.abspath(args.data)
    prefix = None
    if args.rows:
        prefix = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False)
        with open(data) as handle:
            prefix.writelines([line for line in handle if line.strip()][: args.rows])
        prefix.close()
        data = prefix.name
    references = have_sklearn()
    search_count = "1000" if args.full else "200"
    seeds = [1, 2, 3, 4, 5] if args.full else [1, 2, 3]
    figures = {"data": os.path.relpath(os.path.abspath(args.data), os.path.dirname(HERE)), "rows": args.rows,
               "full": args.full, "references": references}
    print(f"real curves: {data} ({sum(1 for line in open(data) if line.strip())} rows); "
          f"references: {'scikit-learn, ' + search_count + ' candidates' if references else 'skipped (no scikit-learn)'}")
    sys.stdout.flush()

    with tempfile.TemporaryDirectory() as work:
        # 1. SRM at 25 % of the curve.
        print("\n## SRM at 25 % of the curve, 100 training curves\n")
        print("| seed | SRM R² | SRM τ | last-seen R² | last-seen τ | NuSVR (paper) R² | NuSVR τ | nasd s | reference s |")
        print("|---|---|---|---|---|---|---|---|---|")
        figures["srm_eval"] = []
        split_path = None
        for seed in seeds:
            split_path = os.path.join(work, f"split-{seed}.json")
            report, seconds = run_json([nasd, "predict", "eval", "--predictor", "srm", "--data", data, "--train", "100",
                                        "--observe", "0.25", "--seed", str(seed), "--split-out", split_path, "--json"])
            entry = {"seed": seed, "nasd": report, "nasd_seconds": seconds}
            if references:
                entry["reference"], entry["reference_seconds"] = run_json(
                    [sys.executable, os.path.join(HERE, "srm_reference.py"), "--data", data, "--split", split_path,
                     "--search-count", search_count, "--seed", "0"])
            figures["srm_eval"].append(entry)
            ref = entry.get("reference", {})
            print(f"| {seed} | {fmt(report['r2'])} | {fmt(report['kendall_tau'])} | {fmt(report['baseline_r2'])} | "
                  f"{fmt(report['baseline_kendall_tau'])} | {fmt(ref.get('r2'))} | {fmt(ref.get('kendall_tau'))} | "
                  f"{seconds:.1f} | {fmt(entry.get('reference_seconds'), 1)} |")
            sys.stdout.flush()

        # 2. The replay at Δ = 0.99 and the reference on the same orderings.
        print("\n## Replay, Δ = 0.99, n = 1, burn-in 100, 10 orderings (seed 0)\n")
        orderings_path = os.path.join(work, "orderings.json")
        replay, seconds = run_json([nasd, "replay", "--data", data, "--early-stop", "srm", "--confidence", "0.99",
                                    "--orderings", "10", "--seed", "0", "--orderings-out", orderings_path, "--json"])
        figures["replay"] = {"nasd": replay, "nasd_seconds": seconds}
        print("| who | speedup | best kept | epochs used (mean) | epochs full | stopped (mean) | wall s |")
        print("|---|---|---|---|---|---|---|")
        print(f"| nasd SRM | {replay['speedup']:.2f}× | {replay['best_kept']}/{replay['orderings']} | "
              f"{replay['epochs_used']:.1f} | {replay['epochs_full']} | {replay['stopped']:.1f} | {seconds:.1f} |")
        sys.stdout.flush()
        if references:
            reference, ref_seconds = run_json(
                [sys.executable, os.path.join(HERE, "srm_replay_reference.py"), "--data", data, "--split", split_path,
                 "--orderings", orderings_path, "--confidence", "0.99", "--search-count", search_count])
            figures["replay"]["reference"], figures["replay"]["reference_seconds"] = reference, ref_seconds
            print(f"| NuSVR (paper, one fit round) | {reference['speedup']:.2f}× | {reference['best_kept']}/"
                  f"{reference['orderings']} | {reference['epochs_used']:.1f} | {reference['epochs_full']} | "
                  f"{reference['stopped']:.1f} | {ref_seconds:.1f} |")
        sys.stdout.flush()

        # 3. Δ × compare_to_nth.
        print("\n## Δ × compare_to_nth, 5 orderings each (seed 0)\n")
        print("| Δ | n | speedup | best kept | stopped (mean) |")
        print("|---|---|---|---|---|")
        figures["grid"] = []
        for confidence in ("0.95", "0.99"):
            for nth in ("1", "3"):
                result, _ = run_json([nasd, "replay", "--data", data, "--early-stop", "srm", "--confidence", confidence,
                                      "--nth", nth, "--orderings", "5", "--seed", "0", "--json"])
                figures["grid"].append({"confidence": float(confidence), "nth": int(nth), "nasd": result})
                print(f"| {confidence} | {nth} | {result['speedup']:.2f}× | {result['best_kept']}/{result['orderings']} "
                      f"| {result['stopped']:.1f} |")
                sys.stdout.flush()

        # 4. Warm start from a disjoint half.
        with open(data) as handle:
            lines = [line for line in handle if line.strip()]
        order = list(range(len(lines)))
        random.Random(0).shuffle(order)
        half = len(order) // 2
        warm_path, cold_path = os.path.join(work, "warm.jsonl"), os.path.join(work, "half.jsonl")
        with open(warm_path, "w") as handle:
            handle.writelines(lines[i] for i in sorted(order[:half]))
        with open(cold_path, "w") as handle:
            handle.writelines(lines[i] for i in sorted(order[half:]))
        print(f"\n## Warm start: {len(lines) - half} rows replayed, {half} disjoint rows as warm_start "
              "(Δ 0.99, n 1, 10 orderings)\n")
        print("| | speedup | best kept | stopped (mean) |")
        print("|---|---|---|---|")
        figures["warm_start"] = {}
        for label, extra in (("cold (burn-in 100 of its own)", []), ("warm_start: the other half", ["--warm-start", warm_path])):
            result, _ = run_json([nasd, "replay", "--data", cold_path, "--early-stop", "srm", "--confidence", "0.99",
                                  "--orderings", "10", "--seed", "0", "--json"] + extra)
            figures["warm_start"]["warm" if extra else "cold"] = result
            print(f"| {label} | {result['speedup']:.2f}× | {result['best_kept']}/{result['orderings']} | "
                  f"{result['stopped']:.1f} |")
            sys.stdout.flush()

        # 5. Peephole.
        print("\n## Peephole on held-out recorded networks (train 200)\n")
        figures["peephole"] = []
        if references:
            print("| seed | Peephole τ | Peephole R² | params τ | random forest τ | forest R² | nasd s |")
            print("|---|---|---|---|---|---|---|")
            for seed in seeds:
                result, _ = run_json([sys.executable, os.path.join(HERE, "peephole_forest.py"), "--nasd", nasd,
                                      "--data", data, "--train", "200", "--seed", str(seed), "--threads", "2"])
                figures["peephole"].append(result)
                report, forest = result["nasd"], result["random_forest"]
                print(f"| {seed} | {fmt(report['kendall_tau'])} | {fmt(report['r2'])} | "
                      f"{fmt(report['baseline_kendall_tau'])} | {fmt(forest['kendall_tau'])} | {fmt(forest['r2'])} | "
                      f"{result['nasd_seconds']:.1f} |")
                sys.stdout.flush()
        else:
            for seed in seeds:
                report, _ = run_json([nasd, "predict", "eval", "--predictor", "peephole", "--data", data, "--train",
                                      "200", "--seed", str(seed), "--threads", "2", "--json"])
                figures["peephole"].append({"nasd": report})
                print(f"seed {seed}: Peephole τ {fmt(report['kendall_tau'])}, params τ "
                      f"{fmt(report['baseline_kendall_tau'])} (forest skipped: no scikit-learn)")
    if prefix:
        os.unlink(prefix.name)
    if args.json_out:
        with open(args.json_out, "w") as handle:
            json.dump(figures, handle, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
