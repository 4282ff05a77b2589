#!/usr/bin/env python3
"""NAS-Bench-201 landscape: where searches on the 12-epoch validation accuracy end, and why.

Reads the curves file of `nasd convert nb201` (one row per cell: the 12-epoch validation accuracy,
the 200-epoch test accuracy) and prints, with the benchmark's protocol (a search trains N distinct
cells and reports the test accuracy of the one with the best validation accuracy):

1. the landscape under one-edge changes: its local maxima, and from how many cells steepest ascent
   reaches the best cell;
2. local search without a predictor: W random cells, then a random untrained neighbour of the best
   trained cell that has one;
3. the mutation pool of predictor-driven evolution (W random cells, then rounds: G x P mutations of
   the P best trained cells, the K best-scored unseen trained) with a noisy oracle as the predictor,
   the true validation accuracy plus Gaussian noise of sd sigma: how good a ranker must be for the
   pool to find the best cell, and its "lift" (how much more often than a random choice its picks
   among the best cell's neighbours improve on it);
   The same with a neighbour pool (rounds of K: the untrained neighbours of the best trained cell,
   best scored first, then those of the next best): a local search whose steps a ranker orders;
4. with --tpe (when `import optuna` works): TPE as bench/nb201_strategies.py runs it, and TPE for the
   first half of the budget followed by local search;
5. with --replay FILE (`nasd replay --json` output, which lists each search's trained networks in
   order, or bench/nb201_strategies.py --json's rows): for each strategy, how its picks after the
   warm-up split by the rank of the trained cell they neighbour, and the same lift, for comparison
   with the oracle's.

    python3 bench/nb201_landscape.py --data nb201.jsonl [--seeds 200] [--budget 100] [--tpe]
        [--replay REPLAY.json] [--warmup 30]

Pure Python (numpy not needed). Figures recorded in docs/BENCHMARKS.md (round 8).
"""

import argparse
import functools
import json
import math
import random
import statistics

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def parse(arch):
    """The six edge ops of a cell string, in edge order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2."""
    ops = []
    for node in arch.strip("|").split("|+|"):
        for edge in node.strip("|").split("|"):
            ops.append(edge.split("~")[0])
    return tuple(ops)


def neighbours(cell):
    for edge in range(6):
        for op in OPS:
            if op != cell[edge]:
                yield cell[:edge] + (op,) + cell[edge + 1:]


def distance(a, b):
    return sum(x != y for x, y in zip(a, b))


def mutate(cell, rng):
    edge = rng.randrange(6)
    op = rng.choice([o for o in OPS if o != cell[edge]])
    return cell[:edge] + (op,) + cell[edge + 1:]


class Landscape:
    def __init__(self, path):
        self.val, self.test = {}, {}
        with open(path) as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    cell = parse(row["arch"])
                    self.val.setdefault(cell, row["curve"][-1])
                    self.test.setdefault(cell, row.get("test_accuracy"))
        self.cells = sorted(self.val)
        self.best = max(self.cells, key=lambda c: self.val[c])

    @functools.lru_cache(maxsize=None)
    def ascent(self, cell):
        """The local maximum steepest ascent reaches from `cell`."""
        up = max(neighbours(cell), key=lambda n: self.val[n])
        return cell if self.val[up] <= self.val[cell] else self.ascent(up)

    def outcome(self, trained):
        best = max(trained, key=lambda c: (trained[c], -list(trained).index(c)))
        return self.test[best], best == self.best


def summarize(label, outcomes, extra=""):
    tests = [100 * t for t, _ in outcomes]
    found = sum(1 for _, hit in outcomes if hit)
    print("  %-44s %7.3f ± %.2f   best cell %3d/%d%s" % (
        label, statistics.mean(tests), statistics.stdev(tests), found, len(outcomes), extra))


def warm_start(land, rng, warmup):
    trained = {}
    while len(trained) < warmup:
        cell = rng.choice(land.cells)
        trained[cell] = land.val[cell]
    return trained


def local_search_step(land, trained, rng):
    for parent in sorted(trained, key=lambda c: -trained[c]):
        fresh = [n for n in neighbours(parent) if n not in trained]
        if fresh:
            return rng.choice(fresh)
    return rng.choice([c for c in land.cells if c not in trained])


def local_search(land, seed, budget, warmup):
    rng = random.Random(seed)
    trained = warm_start(land, rng, warmup)
    while len(trained) < budget:
        cell = local_search_step(land, trained, rng)
        trained[cell] = land.val[cell]
    return land.outcome(trained)


class Lift:
    """Picks that neighbour the best trained cell: how often they improve on it, against a random
    choice among its untrained neighbours."""

    def __init__(self):
        self.picks = self.improved = 0
        self.expected = 0.0

    def record(self, land, trained, picks):
        best = max(trained, key=lambda c: trained[c])
        fresh = [n for n in neighbours(best) if n not in trained]
        rate = sum(land.val[n] > land.val[best] for n in fresh) / max(1, len(fresh))
        for cell in picks:
            if distance(cell, best) == 1:
                self.picks += 1
                self.improved += land.val[cell] > land.val[best]
                self.expected += rate

    def text(self):
        if not self.picks or not self.expected:
            return ""
        return "   lift %.2f (%d picks)" % (self.improved / self.expected, self.picks)


def oracle_pool(land, seed, sigma, budget, warmup, parents, generations, top_k, lift):
    rng = random.Random(seed)
    trained = warm_start(land, rng, warmup)
    while len(trained) < budget:
        best = sorted(trained, key=lambda c: -trained[c])[:parents]
        pool = {}
        for _ in range(generations * parents):
            for _ in range(50):
                child = mutate(rng.choice(best), rng)
                if child not in trained:
                    break
            pool.setdefault(child, land.val[child] + rng.gauss(0, sigma / 100))
        picks = sorted(pool, key=lambda c: -pool[c])[:min(top_k, budget - len(trained))]
        lift.record(land, trained, picks)
        for cell in picks:
            trained[cell] = land.val[cell]
    return land.outcome(trained)


def oracle_neighbours(land, seed, sigma, budget, warmup, top_k):
    """Rounds of K: the untrained neighbours of the best trained cell, best scored first, then those
    of the next best cell; scored by the oracle plus Gaussian noise of sd sigma (None: at random)."""
    rng = random.Random(seed)
    trained = warm_start(land, rng, warmup)
    while len(trained) < budget:
        picks = []
        for parent in sorted(trained, key=lambda c: -trained[c]):
            fresh = [n for n in neighbours(parent) if n not in trained and n not in picks]
            scored = sorted(fresh, key=lambda n: -(rng.random() if sigma is None
                                                   else land.val[n] + rng.gauss(0, sigma / 100)))
            picks += scored[:top_k - len(picks)]
            if len(picks) >= min(top_k, budget - len(trained)):
                break
        for cell in picks[:budget - len(trained)]:
            trained[cell] = land.val[cell]
    return land.outcome(trained)


def tpe_then_local(land, seed, budget, tpe_budget):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    trained, asked = {}, 0
    while len(trained) < tpe_budget and asked < 20 * budget:
        asked += 1
        trial = study.ask()
        cell = tuple(trial.suggest_categorical("edge%d" % edge, OPS) for edge in range(6))
        trained.setdefault(cell, land.val[cell])
        study.tell(trial, land.val[cell])
    rng = random.Random(seed)
    while len(trained) < budget:
        cell = local_search_step(land, trained, rng)
        trained[cell] = land.val[cell]
    return land.outcome(trained)


def replay_paths(land, path, warmup, top_k):
    with open(path) as handle:
        loaded = json.load(handle)
    # `nasd replay --json` output, or bench/nb201_strategies.py --json's rows (TPE's list no networks).
    results = (loaded["results"] if isinstance(loaded, dict)
               else {"%s (budget %d)" % (row["strategy"], row["budget"]): row for row in loaded})
    for word, figures in results.items():
        searches = figures.get("searches", [])
        if not searches or "networks" not in searches[0]:
            print("  %s: no trained networks listed (TPE's row, or an older nasd)" % word)
            continue
        ranks = {"the best": 0, "2nd-3rd": 0, "4th-10th": 0, "11th or lower": 0, "none": 0}
        lift = Lift()
        outcomes = []
        for search in searches:
            sequence = [parse(a) for a in search["networks"]]
            trained = {c: land.val[c] for c in sequence}
            outcomes.append(land.outcome(trained))
            for start in range(warmup, len(sequence), top_k):
                before = {c: land.val[c] for c in sequence[:start]}
                order = sorted(before, key=lambda c: -before[c])
                picks = sequence[start:start + top_k]
                lift.record(land, before, picks)
                for cell in picks:
                    rank = next((i for i, c in enumerate(order) if distance(c, cell) == 1), None)
                    key = ("none" if rank is None else "the best" if rank == 0 else "2nd-3rd" if rank < 3
                           else "4th-10th" if rank < 10 else "11th or lower")
                    ranks[key] += 1
        summarize(word, outcomes, lift.text())
        total = sum(ranks.values()) or 1
        print("    picks after the first %d, by the best trained cell they neighbour: %s" % (
            warmup, ", ".join("%s %.0f%%" % (k, 100 * v / total) for k, v in ranks.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="nasd convert nb201 output")
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--parents", type=int, default=20)
    parser.add_argument("--generations", type=int, default=10)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--sigmas", default="0,1,2,3,5,8", help="oracle noise sd, in accuracy points")
    parser.add_argument("--tpe", action="store_true")
    parser.add_argument("--replay", help="nasd replay --json output to analyse")
    args = parser.parse_args()

    land = Landscape(args.data)
    maxima = sorted((c for c in land.cells if land.ascent(c) == c), key=lambda c: -land.val[c])
    basin = sum(1 for c in land.cells if land.ascent(c) == land.best) / len(land.cells)
    print("NAS-Bench-201: %d cells; best by validation %.2f (test %.2f); %d local maxima under one-edge "
          "changes; steepest ascent reaches the best cell from %.0f%% of cells" % (
              len(land.cells), 100 * land.val[land.best], 100 * land.test[land.best], len(maxima), 100 * basin))
    for cell in maxima[:5]:
        print("  maximum val %.2f test %.2f, %d edges from the best, basin %.1f%%" % (
            100 * land.val[cell], 100 * land.test[cell], distance(cell, land.best),
            100 * sum(1 for c in land.cells if land.ascent(c) == cell) / len(land.cells)))

    seeds = range(args.seeds)
    print("\n%d seeds, %d trained cells per search (test %%, mean ± sd; searches that found the best cell)"
          % (args.seeds, args.budget))
    for warmup in sorted({10, args.warmup}):
        summarize("local search, %d random first" % warmup,
                  [local_search(land, s, args.budget, warmup) for s in seeds])
    for sigma in [float(s) for s in args.sigmas.split(",")]:
        lift = Lift()
        outcomes = [oracle_pool(land, s, sigma, args.budget, args.warmup, args.parents, args.generations,
                                args.top_k, lift) for s in seeds]
        summarize("mutation pool, oracle + noise sd %g points" % sigma, outcomes, lift.text())
    for sigma in [0.0, 8.0, None]:
        summarize("neighbour pool, " + ("random order" if sigma is None else "oracle + noise sd %g" % sigma),
                  [oracle_neighbours(land, s, sigma, args.budget, args.warmup, args.top_k) for s in seeds])
    if args.tpe:
        try:
            import optuna  # noqa: F401
        except ImportError:
            print("  (optuna is not importable: TPE rows skipped)")
        else:
            summarize("Optuna TPE", [tpe_then_local(land, s, args.budget, args.budget) for s in seeds])
            half = args.budget // 2
            summarize("Optuna TPE for %d, then local search" % half,
                      [tpe_then_local(land, s, args.budget, half) for s in seeds])
    if args.replay:
        print("\nnasd replay searches in %s:" % args.replay)
        replay_paths(land, args.replay, args.warmup, args.top_k)


if __name__ == "__main__":
    main()
