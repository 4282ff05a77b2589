#!/usr/bin/env python3
"""The Optuna baseline for `make bench`: the nasd workload, in Optuna with SQLite storage.

N trials, each reporting E intermediate values with `trial.report` and returning a final value,
run by W worker processes that share one SQLite storage (`study.optimize` in each process, as
Optuna users parallelise on one machine). The objective does no work, like nasd's zero-delay
surrogate, so what is measured is the storage and the framework.

The sampler is random search (nasd's strategy in the benchmark) and the pruner is `NopPruner`, so
Optuna does no more work per report than store it. SQLite's default `synchronous=FULL` applies
(each commit is fsync'ed, as in nasd); the script prints the pragmas it found.

Prints one JSON object: trials, reports, seconds (first trial start to last trial end, from the
storage's own timestamps), trials_per_s, reports_per_s, failed trials, the pragmas.
Usage: optuna_baseline.py --trials N --epochs E --workers W --dir DIR
"""
import argparse
import json
import multiprocessing
import os
import sqlite3
import sys
import time


def objective_for(epochs):
    def objective(trial):
        # A few architecture-like choices, so that the sampler and the storage do real work.
        depth = trial.suggest_int("depth", 1, 18)
        filters = trial.suggest_categorical("filters", [32, 64, 128, 256, 512])
        kernel = trial.suggest_categorical("kernel", [1, 3, 5])
        learning_rate = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
        accuracy = 0.1
        for epoch in range(1, epochs + 1):
            accuracy += (0.9 - accuracy) * 0.1 * (1 + (depth + kernel + filters / 64 + learning_rate) % 1)
            trial.report(accuracy, epoch)
        return accuracy

    return objective


def work(url, study_name, trials, epochs, failures):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.load_study(study_name=study_name, storage=url, sampler=optuna.samplers.RandomSampler())
    objective = objective_for(epochs)
    done = 0
    # Retry a trial that failed on "database is locked", as a user would, until `trials` are done.
    attempts = 0
    while done < trials and attempts < trials * 3:
        attempts += 1
        try:
            study.optimize(objective, n_trials=1, catch=())
            done += 1
        except Exception as error:  # noqa: BLE001 - counted and reported, never hidden
            with failures.get_lock():
                failures.value += 1
            print(f"optuna worker {os.getpid()}: {type(error).__name__}: {error}"[:300], file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--dir", required=True, help="a directory for the SQLite file")
    arguments = parser.parse_args()

    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    path = os.path.join(arguments.dir, "optuna.sqlite")
    if os.path.exists(path):
        os.remove(path)
    url = f"sqlite:///{path}"
    optuna.create_study(
        study_name="bench", storage=url, direction="maximize", sampler=optuna.samplers.RandomSampler(),
        pruner=optuna.pruners.NopPruner())

    shares = [arguments.trials // arguments.workers + (1 if i < arguments.trials % arguments.workers else 0)
              for i in range(arguments.workers)]
    context = multiprocessing.get_context("spawn")
    failures = context.Value("i", 0)
    processes = [context.Process(target=work, args=(url, "bench", share, arguments.epochs, failures))
                 for share in shares if share > 0]
    wall_start = time.time()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    wall = time.time() - wall_start

    connection = sqlite3.connect(path)
    (completed,) = connection.execute("SELECT count(*) FROM trials WHERE state = 'COMPLETE'").fetchone()
    (reports,) = connection.execute(
        "SELECT count(*) FROM trial_intermediate_values v JOIN trials t USING (trial_id) "
        "WHERE t.state = 'COMPLETE'").fetchone()
    (all_reports,) = connection.execute("SELECT count(*) FROM trial_intermediate_values").fetchone()
    first, last = connection.execute(
        "SELECT min(julianday(datetime_start)), max(julianday(datetime_complete)) FROM trials").fetchone()
    journal_mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = connection.execute("PRAGMA synchronous").fetchone()[0]
    connection.close()
    seconds = (last - first) * 86400.0 if first is not None and last is not None else wall
    print(json.dumps({
        "system": "optuna", "version": optuna.__version__, "workers": len(processes),
        "trials": completed, "reports": reports, "reports_all": all_reports,
        "failed_attempts": failures.value, "seconds": seconds, "wall_seconds": wall,
        "trials_per_s": completed / seconds if seconds > 0 else None,
        "reports_per_s": all_reports / seconds if seconds > 0 else None,
        "journal_mode": journal_mode, "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous),
    }))


if __name__ == "__main__":
    main()
