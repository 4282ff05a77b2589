#!/usr/bin/env python3
"""Figures for `make bench`, read from what the runs left behind (standard library only).

  metrics.py nasd STORE [--rss-kb K] [--wall S] [--label L]   one nasd run's figures, as JSON
  metrics.py table FILE...                                     the table of JSON figure files

Definitions (docs/BENCHMARKS.md says the same):
- window: first job dispatched -> last job ended, from the run store's own timestamps.
- reports/s: metric rows in the store (each one committed with synchronous=FULL before its ack)
  divided by the window; trials/s: trials trained to completion divided by the window.
- dispatch latency: for every job that went to a worker slot freed by an earlier job, the time
  from the store recording the earlier job's end (the worker's `complete`) to the store recording
  the new job's dispatch (the `assign` is sent once that batch commits). Slots are matched first
  freed, first reused per worker; a worker's first jobs are not counted.
- slot turnaround: the same freed slot, up to the new trial's first epoch being recorded: the
  commit, the `assign` on the wire, the worker starting the trial, its first report, and that
  report's batch. An upper bound on how long a slot stays idle between trials.
"""
import argparse
import json
import sqlite3
import sys
from collections import defaultdict, deque


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def gnu_time(path):
    """User+system CPU seconds and peak RSS (KiB) from a `/usr/bin/time -v` report."""
    fields = {}
    with open(path) as handle:
        for line in handle:
            name, _, value = line.strip().rpartition(": ")
            fields[name] = value
    try:
        cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
        return cpu, int(fields["Maximum resident set size (kbytes)"])
    except (KeyError, ValueError):
        return None, None


def nasd_figures(store, rss_kb=None, wall=None, label=None, daemon_time=None, worker_times=()):
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    query = lambda sql: connection.execute(sql).fetchall()  # noqa: E731
    states = dict(query("SELECT state, count(*) FROM trials WHERE reused_from IS NULL GROUP BY state"))
    (reused,) = query("SELECT count(*) FROM trials WHERE reused_from IS NOT NULL")[0]
    (reports,) = query("SELECT count(*) FROM metrics")[0]
    (first_dispatch, last_end) = query("SELECT min(dispatched_at), max(ended_at) FROM jobs")[0]
    seconds = (last_end - first_dispatch) if first_dispatch is not None and last_end is not None else None

    jobs = query("SELECT id, trial_id, worker_id, dispatched_at, ended_at FROM jobs ORDER BY dispatched_at")
    first_epoch = dict(query("SELECT trial_id, min(received_at) FROM metrics GROUP BY trial_id"))
    timeline = defaultdict(list)  # worker -> [(time, order, kind, job)]
    for job_id, trial_id, worker, dispatched_at, ended_at in jobs:
        timeline[worker].append((dispatched_at, 1, "dispatch", trial_id))
        if ended_at is not None:
            timeline[worker].append((ended_at, 0, "end", trial_id))
    dispatch, turnaround = [], []
    for events in timeline.values():
        freed = deque()
        for time, _, kind, trial_id in sorted(events):
            if kind == "end":
                freed.append(time)
            elif freed:
                released = freed.popleft()
                dispatch.append(time - released)
                if trial_id in first_epoch and first_epoch[trial_id] >= time:
                    turnaround.append(first_epoch[trial_id] - released)

    gaps = []
    previous = {}
    for trial_id, received_at in query("SELECT trial_id, received_at FROM metrics ORDER BY trial_id, epoch"):
        if trial_id in previous:
            gaps.append(received_at - previous[trial_id])
        previous[trial_id] = received_at
    connection.close()

    daemon_cpu = None
    if daemon_time:
        daemon_cpu, timed_rss = gnu_time(daemon_time)
        rss_kb = timed_rss or rss_kb
    worker_cpu = [gnu_time(path)[0] for path in worker_times]
    workers_cpu = sum(worker_cpu) if worker_cpu and None not in worker_cpu else None

    completed = states.get("completed", 0)
    milliseconds = lambda value: None if value is None else value * 1000.0  # noqa: E731
    return {
        "system": "nasd", "label": label, "trials": completed, "trial_states": states, "reused": reused,
        "reports": reports, "workers": len(timeline), "seconds": seconds, "wall_seconds": wall,
        "trials_per_s": completed / seconds if seconds else None,
        "reports_per_s": reports / seconds if seconds else None,
        "dispatch_ms_p50": milliseconds(percentile(dispatch, 0.5)),
        "dispatch_ms_p99": milliseconds(percentile(dispatch, 0.99)),
        "dispatch_samples": len(dispatch),
        "turnaround_ms_p50": milliseconds(percentile(turnaround, 0.5)),
        "turnaround_ms_p99": milliseconds(percentile(turnaround, 0.99)),
        "report_gap_ms_p50": milliseconds(percentile(gaps, 0.5)),
        "report_gap_ms_p99": milliseconds(percentile(gaps, 0.99)),
        "peak_rss_mib": rss_kb / 1024.0 if rss_kb else None,
        "daemon_cpu_s": daemon_cpu, "workers_cpu_s": workers_cpu,
        "daemon_cpu_us_per_report": daemon_cpu / reports * 1e6 if daemon_cpu and reports else None,
    }


def cell(value, digits=0):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def table(paths):
    figures = []
    for path in paths:
        with open(path) as handle:
            figures.append(json.load(handle))
    optuna = {f.get("label"): f for f in figures if f["system"] == "optuna"}
    rows = [("run", "trials", "reports", "secs", "trials/s", "reports/s", "dispatch p50/p99 ms",
             "turnaround p50/p99 ms", "peak RSS MiB", "CPU s daemon/workers", "vs Optuna")]
    for f in figures:
        name = f"{f['system']} {f.get('label') or ''}".strip()
        if f["system"] == "nasd":
            baseline = optuna.get(f.get("label"))
            ratio = (f["reports_per_s"] / baseline["reports_per_s"]
                     if baseline and baseline.get("reports_per_s") and f.get("reports_per_s") else None)
            rows.append((name, cell(f["trials"]), cell(f["reports"]), cell(f["seconds"], 2),
                         cell(f["trials_per_s"], 1), cell(f["reports_per_s"]),
                         f"{cell(f['dispatch_ms_p50'], 2)} / {cell(f['dispatch_ms_p99'], 2)}",
                         f"{cell(f['turnaround_ms_p50'], 2)} / {cell(f['turnaround_ms_p99'], 2)}",
                         cell(f["peak_rss_mib"], 1),
                         f"{cell(f.get('daemon_cpu_s'), 2)} / {cell(f.get('workers_cpu_s'), 2)}",
                         "-" if ratio is None else f"{ratio:.1f}x"))
        else:
            rows.append((name, cell(f["trials"]), cell(f["reports"]), cell(f["seconds"], 2),
                         cell(f["trials_per_s"], 1), cell(f["reports_per_s"]), "-", "-", "-", "-", "1.0x"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(text.ljust(widths[i]) if i == 0 else text.rjust(widths[i]) for i, text in enumerate(row)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print()
    for f in figures:
        name = f"{f['system']} {f.get('label') or ''}".strip()
        if f["system"] == "nasd":
            others = {state: count for state, count in f["trial_states"].items() if state != "completed"}
            print(f"{name}: {f['trials']} trials trained to completion"
                  + (f", other states {others}" if others else "")
                  + f"; {f['reused']} duplicate proposals reused a finished trial (not trained, not counted)")
            baseline = optuna.get(f.get("label"))
            if baseline and baseline.get("reports_per_s") and f.get("reports_per_s"):
                ratio = f["reports_per_s"] / baseline["reports_per_s"]
                print(f"{name}: {ratio:.1f}x Optuna's reports/s (goal: at least 20x): "
                      + ("met" if ratio >= 20 else "NOT met"))
        else:
            print(f"{name}: {f['trials']} trials complete, {f['reports_all']} intermediate values stored, "
                  f"{f['failed_attempts']} failed attempts; journal_mode={f['journal_mode']}, "
                  f"synchronous={f['synchronous']}, {f['workers']} processes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    nasd = commands.add_parser("nasd")
    nasd.add_argument("store")
    nasd.add_argument("--rss-kb", type=float)
    nasd.add_argument("--wall", type=float)
    nasd.add_argument("--label")
    nasd.add_argument("--daemon-time", help="the daemon's /usr/bin/time -v report")
    nasd.add_argument("--worker-time", action="append", default=[], help="a worker's /usr/bin/time -v report")
    show = commands.add_parser("table")
    show.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    if arguments.command == "nasd":
        print(json.dumps(nasd_figures(
            arguments.store, arguments.rss_kb, arguments.wall, arguments.label, arguments.daemon_time,
            arguments.worker_time)))
    else:
        table(arguments.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
