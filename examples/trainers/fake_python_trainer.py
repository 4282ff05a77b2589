#!/usr/bin/env python3
"""A plain-Python trainer (no framework) that speaks nasd's trainer protocol through nasd_trainer:
a stand-in for a real training script, to try a configuration or a cluster set-up without PyTorch.

Its "validation accuracy" is a deterministic function of the trial's seed and the epoch, rising
towards a ceiling drawn from the seed: 0.5 + 0.4 · u · (1 − 0.7^epoch), u = (seed mod 1000) / 1000.
Its checkpoint is a small JSON file holding the epoch, so a retried or promoted trial resumes.
Hyperparameter `epoch_seconds` (default 0.05) sleeps per epoch, like a slow trainer.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nasd_trainer as nasd  # noqa: E402


def accuracy(seed, epoch):
    """The fake's validation accuracy after `epoch` epochs."""
    return 0.5 + 0.4 * ((int(seed) % 1000) / 1000.0) * (1.0 - 0.7 ** int(epoch))


def main():
    trial = nasd.spec()
    state = {"epoch": 0}

    def load(path):
        with open(path) as handle:
            state.update(json.load(handle))

    def save(path):
        with open(path, "w") as handle:
            json.dump(state, handle)

    done = nasd.resume(load)
    nasd.log(f"trial {trial['trial_id']}: {trial.get('arch', '')}, epochs {done + 1}…{trial['budget']}")
    for epoch in nasd.epochs(done):
        time.sleep(float(trial["hyper"].get("epoch_seconds", 0.05)))
        state["epoch"] = epoch
        nasd.save_checkpoint(epoch, save)
        nasd.report(epoch, val_acc=accuracy(trial["seed"], epoch), train_loss=1.0 / epoch)
        if nasd.should_stop():
            nasd.log(f"stopped after epoch {epoch}")
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
