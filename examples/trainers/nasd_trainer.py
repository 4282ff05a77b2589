"""nasd_trainer: the trainer side of nasd's trainer protocol, in plain Python (no dependencies).

A training script run by `nasd worker` (docs/trainer-protocol.md) imports this module and needs
four calls:

    import nasd_trainer as nasd

    trial = nasd.spec()                                   # the trial spec (a dict)
    start = nasd.resume(load)                             # epochs already done (0, or a checkpoint's)
    for epoch in nasd.epochs(start):                      # start + 1 ... budget
        train_one_epoch(...)
        nasd.save_checkpoint(epoch, save)                 # atomically, the last few kept
        nasd.report(epoch, val_acc=accuracy, train_loss=loss)
        if nasd.should_stop():                            # the worker sent SIGTERM: exit now
            break

`save(path)` and `load(path)` are the script's own (`torch.save` / `torch.load`); the module names
the files and makes writing them atomic, so a retry (same trial, `start_epoch` > 0) or a Hyperband
promotion (a larger `budget`) continues from the checkpoint of `start_epoch`.

SIGTERM is how the worker stops a trial the search gave up on: importing this module installs a
handler that only sets a flag, so the script finishes its epoch, reports it, saves and exits
(the worker waits 30 s before SIGKILL). `report` refuses what the worker would reject (an accuracy
outside [0, 1], epochs that do not rise, an epoch past the budget) with a ValueError, so a bug shows
in the trial's log at the line that made it.
"""

import json
import math
import os
import signal
import sys

__all__ = [
    "spec", "report", "should_stop", "epochs", "log", "checkpoint_path", "save_checkpoint", "latest_checkpoint",
    "resume", "ignore_sigterm", "gpus", "ProtocolError",
]

EPOCH_PREFIX = "NASD_EPOCH "
CHECKPOINT_PREFIX = "checkpoint-"
CHECKPOINT_SUFFIX = ".ckpt"


class ProtocolError(ValueError):
    """A call that breaks the trainer protocol (a bad accuracy, epochs out of order, no spec)."""


_state = {"spec": None, "stop": False, "last_epoch": None}


def _on_sigterm(signum, frame):
    _state["stop"] = True
    log("SIGTERM: finishing the current epoch, then reporting, saving and exiting")


def _install_handler():
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: the script installs nothing and polls nothing
        pass


_install_handler()


def log(message):
    """A log line on stderr; the worker keeps it in the trial's log (`nasd logs RUN TRIAL`)."""
    print(message, file=sys.stderr, flush=True)


def spec(path=None):
    """The trial spec as a dict: `path`, else `--spec FILE` on the command line, else $NASD_TRIAL_SPEC.

    Keys (docs/trainer-protocol.md): trial_id, run, arch, layers | cell | nb201_ops, hyper, seed,
    budget, start_epoch, checkpoint_dir, input. Defaults are filled in for the optional ones.
    """
    if _state["spec"] is not None and path is None:
        return _state["spec"]
    if path is None and "--spec" in sys.argv[:-1]:
        path = sys.argv[sys.argv.index("--spec") + 1]
    path = path or os.environ.get("NASD_TRIAL_SPEC")
    if not path:
        raise ProtocolError("no trial spec: run under `nasd worker` (NASD_TRIAL_SPEC) or pass --spec FILE")
    with open(path) as handle:
        loaded = json.load(handle)
    for key in ("trial_id", "seed", "budget", "checkpoint_dir"):
        if key not in loaded:
            raise ProtocolError(f"{path}: the trial spec has no {key!r}")
    loaded.setdefault("hyper", {})
    loaded.setdefault("start_epoch", 0)
    loaded.setdefault("input", [3, 32, 32])
    if not 0 <= int(loaded["start_epoch"]) <= int(loaded["budget"]):
        raise ProtocolError(f"{path}: start_epoch {loaded['start_epoch']} is outside 0…{loaded['budget']}")
    _state["spec"] = loaded
    _state["last_epoch"] = int(loaded["start_epoch"])
    return loaded


def epochs(start=None):
    """The epochs left to train: start + 1 … budget (start defaults to the spec's start_epoch)."""
    trial = spec()
    first = int(trial["start_epoch"] if start is None else start) + 1
    return range(first, int(trial["budget"]) + 1)


def report(epoch, val_acc, **metrics):
    """Reports a finished epoch: one `NASD_EPOCH {json}` line on stdout, flushed at once.

    `val_acc` is the validation accuracy in [0, 1]; every other keyword with a finite numeric value
    is a metric (train_loss, learning_rate, …); others are dropped. Epochs must rise and stay within
    the budget. A trainer that retrains from scratch may report epochs ≤ start_epoch again: the worker
    ignores them, and so does this check.
    """
    epoch = int(epoch)
    accuracy = float(val_acc)
    if not (math.isfinite(accuracy) and 0.0 <= accuracy <= 1.0):
        raise ProtocolError(f"epoch {epoch}: val_acc must be a fraction in [0, 1], got {val_acc!r}")
    if epoch < 1:
        raise ProtocolError(f"epochs are numbered from 1, got {epoch}")
    trial = _state["spec"]
    if trial is not None:
        if epoch > int(trial["budget"]):
            raise ProtocolError(f"epoch {epoch} is past the budget of {trial['budget']}")
        last = _state["last_epoch"] or 0
        if epoch <= last and epoch > int(trial["start_epoch"]):
            raise ProtocolError(f"epoch {epoch} reported after epoch {last}: epochs must rise")
        _state["last_epoch"] = max(last, epoch)
    record = {"epoch": epoch, "val_acc": accuracy}
    for key, value in metrics.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            record[key] = number
    print(EPOCH_PREFIX + json.dumps(record, sort_keys=True), flush=True)


def should_stop():
    """Whether the worker has asked the trial to stop (SIGTERM): finish the epoch, save, exit."""
    return _state["stop"]


def checkpoint_path(epoch, directory=None):
    """`<checkpoint_dir>/checkpoint-<epoch>.ckpt`."""
    directory = directory or spec()["checkpoint_dir"]
    return os.path.join(directory, f"{CHECKPOINT_PREFIX}{int(epoch)}{CHECKPOINT_SUFFIX}")


def _checkpoint_epochs(directory):
    if not os.path.isdir(directory):
        return []
    found = []
    for name in os.listdir(directory):
        if name.startswith(CHECKPOINT_PREFIX) and name.endswith(CHECKPOINT_SUFFIX):
            try:
                found.append(int(name[len(CHECKPOINT_PREFIX):-len(CHECKPOINT_SUFFIX)]))
            except ValueError:
                continue
    return sorted(found)


def save_checkpoint(epoch, save, keep=3, directory=None):
    """Writes the checkpoint of `epoch` with `save(path)` to a temporary name, then renames it into
    place (a crash never leaves half a checkpoint); keeps the last `keep`. Returns its path."""
    directory = directory or spec()["checkpoint_dir"]
    os.makedirs(directory, exist_ok=True)
    final = checkpoint_path(epoch, directory)
    temporary = final + ".tmp"
    save(temporary)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    for saved in _checkpoint_epochs(directory):
        if saved <= int(epoch) - keep:
            os.remove(checkpoint_path(saved, directory))
    return final


def latest_checkpoint(at_most=None, directory=None):
    """The newest checkpoint at or below epoch `at_most` (default: the spec's start_epoch), as
    (epoch, path), or None."""
    trial = spec() if directory is None or at_most is None else None
    directory = directory or trial["checkpoint_dir"]
    limit = int(trial["start_epoch"] if at_most is None else at_most)
    candidates = [epoch for epoch in _checkpoint_epochs(directory) if epoch <= limit]
    return (candidates[-1], checkpoint_path(candidates[-1], directory)) if candidates else None


def resume(load):
    """Continues a retried or promoted trial: when start_epoch > 0 and its checkpoint (or an older
    one) is there, calls `load(path)` and returns that checkpoint's epoch; else returns 0 (train
    from scratch: the worker ignores the epochs it already has)."""
    trial = spec()
    start = int(trial["start_epoch"])
    if start == 0:
        return 0
    found = latest_checkpoint(start)
    if found is None:
        log(f"no checkpoint at or below epoch {start} in {trial['checkpoint_dir']}: training from scratch")
        return 0
    epoch, path = found
    load(path)
    log(f"resumed from {path}" + ("" if epoch == start else f" (epoch {epoch}; epochs up to {start} are retrained)"))
    return epoch


def ignore_sigterm(*_):
    """For child processes (data loader workers: `worker_init_fn=nasd_trainer.ignore_sigterm`): the
    worker signals the whole process group, and the children must outlive the epoch."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def gpus():
    """The GPUs the worker assigned this trial ($CUDA_VISIBLE_DEVICES, from `nasd worker --gpus`),
    as a list of strings; empty when none was assigned."""
    value = os.environ.get("CUDA_VISIBLE_DEVICES", "").strip()
    return [item for item in value.split(",") if item.strip() and item.strip() != "-1"]
