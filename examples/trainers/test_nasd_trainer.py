#!/usr/bin/env python3
"""The protocol of nasd_trainer, checked with the plain-Python fake trainer (no framework needed).

Run: python3 examples/trainers/test_nasd_trainer.py (Tests/EndToEndTests/TrainerHelperTests runs it).
"""

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fake_python_trainer  # noqa: E402
import nasd_trainer  # noqa: E402

FAKE = os.path.join(HERE, "fake_python_trainer.py")


def write_spec(directory, budget=4, start_epoch=0, epoch_seconds=0.0, seed=123):
    checkpoints = os.path.join(directory, "checkpoints")
    spec = {"trial_id": "7", "run": "test", "arch": "[C(8,3,1), SM(10)]",
            "layers": [{"type": "conv", "filters": 8, "kernel": 3, "stride": 1}, {"type": "softmax", "classes": 10}],
            "hyper": {"epoch_seconds": epoch_seconds}, "seed": seed, "budget": budget, "start_epoch": start_epoch,
            "checkpoint_dir": checkpoints, "input": [3, 32, 32]}
    path = os.path.join(directory, "nasd-trial-spec.json")
    with open(path, "w") as handle:
        json.dump(spec, handle)
    return path


def epoch_lines(text):
    return [json.loads(line[len("NASD_EPOCH "):]) for line in text.splitlines() if line.startswith("NASD_EPOCH ")]


def run_fake(spec_path, **kwargs):
    environment = dict(os.environ, NASD_TRIAL_SPEC=spec_path)
    return subprocess.Popen([sys.executable, FAKE], env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


class HelperProtocolTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="nasd-trainer-")
        nasd_trainer._state.update(spec=None, stop=False, last_epoch=None)

    def test_a_full_run_reports_every_epoch_once_in_order_as_fractions(self):
        process = run_fake(write_spec(self.directory, budget=4))
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, err)
        records = epoch_lines(out)
        self.assertEqual([r["epoch"] for r in records], [1, 2, 3, 4])
        for record in records:
            self.assertAlmostEqual(record["val_acc"], fake_python_trainer.accuracy(123, record["epoch"]), places=12)
            self.assertAlmostEqual(record["train_loss"], 1.0 / record["epoch"], places=12)
        # The last three checkpoints are kept, written atomically (no .tmp left).
        self.assertEqual(sorted(os.listdir(os.path.join(self.directory, "checkpoints"))),
                         ["checkpoint-2.ckpt", "checkpoint-3.ckpt", "checkpoint-4.ckpt"])

    def test_sigterm_finishes_the_epoch_reports_it_saves_and_exits_zero(self):
        process = run_fake(write_spec(self.directory, budget=50, epoch_seconds=0.2))
        first = process.stdout.readline()
        self.assertTrue(first.startswith("NASD_EPOCH "), first)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 0, err)
        records = epoch_lines(first + out)
        self.assertLess(len(records), 50)
        last = records[-1]["epoch"]
        self.assertIn(f"stopped after epoch {last}", err)
        saved = os.path.join(self.directory, "checkpoints", f"checkpoint-{last}.ckpt")
        with open(saved) as handle:
            self.assertEqual(json.load(handle)["epoch"], last)

    def test_a_retry_resumes_after_its_checkpoint_and_a_promotion_continues_to_the_larger_budget(self):
        process = run_fake(write_spec(self.directory, budget=3))
        process.communicate(timeout=60)
        promoted = run_fake(write_spec(self.directory, budget=6, start_epoch=3))
        out, err = promoted.communicate(timeout=60)
        self.assertEqual(promoted.returncode, 0, err)
        self.assertEqual([r["epoch"] for r in epoch_lines(out)], [4, 5, 6])
        self.assertIn("resumed from", err)
        # No checkpoint at or below start_epoch (another host): from scratch, all epochs again.
        other = tempfile.mkdtemp(prefix="nasd-trainer-")
        fresh = run_fake(write_spec(other, budget=3, start_epoch=2))
        out, err = fresh.communicate(timeout=60)
        self.assertEqual([r["epoch"] for r in epoch_lines(out)], [1, 2, 3])
        self.assertIn("training from scratch", err)

    def test_report_refuses_what_the_worker_would_reject(self):
        nasd_trainer.spec(write_spec(self.directory, budget=3))
        with redirect_stdout(io.StringIO()) as printed:
            nasd_trainer.report(1, val_acc=0.5, note="not a number", loss=float("nan"), rate=0.1)
            for bad in (lambda: nasd_trainer.report(2, val_acc=71.0),
                        lambda: nasd_trainer.report(1, val_acc=0.6),
                        lambda: nasd_trainer.report(4, val_acc=0.6),
                        lambda: nasd_trainer.report(0, val_acc=0.6)):
                with self.assertRaises(nasd_trainer.ProtocolError):
                    bad()
        # Only the valid line was printed; non-numeric and non-finite metrics were dropped.
        self.assertEqual(epoch_lines(printed.getvalue()), [{"epoch": 1, "val_acc": 0.5, "rate": 0.1}])

    def test_spec_without_a_path_names_how_to_give_one(self):
        environment = {key: value for key, value in os.environ.items() if key != "NASD_TRIAL_SPEC"}
        result = subprocess.run([sys.executable, FAKE], env=environment, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("NASD_TRIAL_SPEC", result.stderr)

    def test_gpus_reads_the_slot_the_worker_assigned(self):
        saved = os.environ.get("CUDA_VISIBLE_DEVICES")
        try:
            os.environ["CUDA_VISIBLE_DEVICES"] = "2,3"
            self.assertEqual(nasd_trainer.gpus(), ["2", "3"])
            os.environ["CUDA_VISIBLE_DEVICES"] = ""
            self.assertEqual(nasd_trainer.gpus(), [])
        finally:
            if saved is None:
                os.environ.pop("CUDA_VISIBLE_DEVICES", None)
            else:
                os.environ["CUDA_VISIBLE_DEVICES"] = saved


if __name__ == "__main__":
    unittest.main()
