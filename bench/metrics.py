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


def seconds_file(path):
    """The numbers in a file of one number per line (bench/run's timings), or [] without one."""
    try:
        with open(path) as lines:
            return [float(line) for line in lines if line.strip()]
    except OSError:
        return []


def view_figures(prefix):
    """bench/run's timings of the read-only commands, in milliseconds (median of the rounds;
    the status polls during the run: p50, p99 and the last tenth's max)."""
    figures = {}
    for name in ("status", "first-rows", "limit", "offline-status", "offline-first-rows", "all"):
        values = seconds_file(f"{prefix}.views-{name}")
        if values:
            figures[name.replace("-", "_") + "_ms"] = percentile(values, 0.5) * 1000.0
    polls = seconds_file(f"{prefix}.status-seconds")
    if polls:
        figures["poll_ms_p50"] = percentile(polls, 0.5) * 1000.0
        figures["poll_ms_p99"] = percentile(polls, 0.99) * 1000.0
        figures["poll_ms_last_tenth_max"] = max(polls[-max(1, len(polls) // 10):]) * 1000.0
        figures["polls"] = len(polls)
    return figures


def store_figures(connection, trials):
    """The store's bytes by table (indexes counted with their table) and per trial without the
    epochs (the `metrics` table), from SQLite's dbstat."""
    try:
        rows = connection.execute(
            "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
            "LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1").fetchall()
    except sqlite3.Error:
        return {}
    tables = {name: size for name, size in rows}
    total = sum(tables.values())
    without_epochs = total - tables.get("metrics", 0)
    return {
        "store_bytes": total, "store_bytes_by_table": tables,
        "store_bytes_per_trial_without_epochs": without_epochs / trials if trials else None,
    }


def nasd_figures(store, rss_kb=None, wall=None, label=None, daemon_time=None, worker_times=(), views=None):
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

    # Completions per second over the first and the last tenth of the run's trials: a cost per
    # trial that grows with the run shows as a lower rate at the end.
    finished = [row[0] for row in query(
        "SELECT finished_at FROM trials WHERE finished_at IS NOT NULL AND reused_from IS NULL ORDER BY finished_at")]
    tenth = len(finished) // 10
    rate = lambda part: (len(part) - 1) / (part[-1] - part[0]) if len(part) > 1 and part[-1] > part[0] else None  # noqa: E731
    first_tenth_rate = rate(finished[:tenth]) if tenth > 1 else None
    last_tenth_rate = rate(finished[-tenth:]) if tenth > 1 else None
    (trial_count,) = query("SELECT count(*) FROM trials")[0]
    sizes = store_figures(connection, trial_count)

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
        "trials_per_s_first_tenth": first_tenth_rate, "trials_per_s_last_tenth": last_tenth_rate,
        **sizes, **(view_figures(views) if views else {}),
    }


def cell(value, digits=0):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def scale_table(figures):
    """What grows with a run (issue 11 §4): the rate at the start and the end, the read-only
    commands' latencies (ms, median of three; polls during the run), the store per trial."""
    rows = [("run", "trials/s first/last tenth", "status ms", "polls p50/p99/last max ms", "trials first rows ms",
             "trials --limit 100 ms", "trials all ms", "offline status / first rows ms", "store MB",
             "B/trial w/o epochs")]
    for f in figures:
        if "store_bytes" not in f and "status_ms" not in f:
            continue
        rows.append((
            f"nasd {f.get('label') or ''}".strip(),
            f"{cell(f.get('trials_per_s_first_tenth'), 1)} / {cell(f.get('trials_per_s_last_tenth'), 1)}",
            cell(f.get("status_ms"), 1),
            f"{cell(f.get('poll_ms_p50'), 1)} / {cell(f.get('poll_ms_p99'), 1)} / {cell(f.get('poll_ms_last_tenth_max'), 1)}",
            cell(f.get("first_rows_ms"), 1), cell(f.get("limit_ms"), 1), cell(f.get("all_ms"), 0),
            f"{cell(f.get('offline_status_ms'), 1)} / {cell(f.get('offline_first_rows_ms'), 1)}",
            cell(f["store_bytes"] / 1e6 if f.get("store_bytes") else None, 1),
            cell(f.get("store_bytes_per_trial_without_epochs"), 0)))
    if len(rows) == 1:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(text.ljust(widths[i]) if i == 0 else text.rjust(widths[i]) for i, text in enumerate(row)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print()
    for f in figures:
        if f.get("store_bytes_by_table"):
            parts = sorted(f["store_bytes_by_table"].items(), key=lambda item: -item[1])
            print(f"nasd {f.get('label')}: store by table (MB, indexes included): "
                  + ", ".join(f"{name} {size / 1e6:.1f}" for name, size in parts if size >= 1e5))
    print()


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
    scale_table([f for f in figures if f["system"] == "nasd"])
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
    nasd.add_argument("--views", help="bench/run's prefix of the timing files of the read-only commands")
    show = commands.add_parser("table")
    show.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    if arguments.command == "nasd":
        print(json.dumps(nasd_figures(
            arguments.store, arguments.rss_kb, arguments.wall, arguments.label, arguments.daemon_time,
            arguments.worker_time, arguments.views)))
    else:
        table(arguments.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
