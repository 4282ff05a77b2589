#!/usr/bin/env python3
"""The PyTorch example trainer: every layer kind, MetaQNN's GAP(n) head, NAS-Bench-101 and -201
cells build and run; a short training on scikit-learn's digits learns; a promotion resumes.

Run: python3 examples/trainers/torch/test_train.py (Tests/EndToEndTests/TrainerHelperTests runs it
when torch and scikit-learn are importable).
"""

import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import train  # noqa: E402

CONV = {"type": "conv", "filters": 8, "kernel": 3, "stride": 1}


def parameters(model):
    return sum(p.numel() for p in model.parameters())


class NetworkTests(unittest.TestCase):
    def test_every_layer_kind_builds_with_the_documented_parameter_counts(self):
        layers = [CONV, {"type": "bn"}, {"type": "relu"}, {"type": "maxpool", "kernel": 2, "stride": 2},
                  {"type": "conv", "filters": 8, "kernel": 1, "stride": 2}, {"type": "tanh"},
                  {"type": "avgpool", "kernel": 2, "stride": 1}, {"type": "sigmoid"},
                  {"type": "dropout", "index": 1, "count": 2}, {"type": "fc", "units": 16}, {"type": "relu"},
                  {"type": "softmax", "classes": 10}]
        model, classes = train.build_sequential(layers, [3, 16, 16])
        self.assertEqual(classes, 10)
        # 16 → conv 'same' 16 → pool 8 → conv stride 2: 4 → avgpool(2,1): 3; FC from 8·3·3.
        expected = (3 * 9 + 1) * 8 + 2 * 8 + (8 * 1 + 1) * 8 + (8 * 3 * 3 + 1) * 16 + (16 + 1) * 10
        self.assertEqual(parameters(model), expected)
        self.assertEqual(tuple(model(torch.zeros(2, 3, 16, 16)).shape), (2, 10))

    def test_metaqnn_gap_head_is_a_1x1_convolution_then_global_average_pooling(self):
        model, classes = train.build_sequential([CONV, {"type": "gap", "classes": 10}], [1, 8, 8])
        self.assertEqual(classes, 10)
        self.assertEqual(parameters(model), (1 * 9 + 1) * 8 + (8 + 1) * 10)
        self.assertEqual(tuple(model(torch.zeros(3, 1, 8, 8)).shape), (3, 10))
        with self.assertRaises(ValueError):
            train.build_sequential([CONV], [1, 8, 8])

    def test_nasbench101_cell_network_runs(self):
        cell = {"ops": ["input", "conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu", "output"],
                "adjacency": [[0, 1, 1, 0, 1], [0, 0, 0, 1, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]}
        trial = {"cell": cell, "input": [1, 8, 8], "hyper": {"stem_channels": 8, "cells_per_stack": 1}}
        model = train.build_network(trial, 10)
        self.assertEqual(tuple(model(torch.zeros(2, 1, 8, 8)).shape), (2, 10))
        # NAS-Bench-101's channel split: 16 output channels over the two vertices feeding the output.
        self.assertEqual(train.vertex_channels(8, 16, cell["adjacency"]), [8, 8, 8, 8, 16])

    def test_nasbench201_cell_network_runs(self):
        ops = ["nor_conv_3x3", "skip_connect", "nor_conv_1x1", "avg_pool_3x3", "none", "nor_conv_3x3"]
        trial = {"nb201_ops": ops, "input": [1, 8, 8], "hyper": {"stem_channels": 4, "cells_per_stack": 1}}
        model = train.build_network(trial, 10)
        self.assertEqual(tuple(model(torch.zeros(2, 1, 8, 8)).shape), (2, 10))
        with self.assertRaises(ValueError):
            train.build_network({"nb201_ops": ["conv"] * 6, "input": [1, 8, 8], "hyper": {}}, 10)


class TrainingTests(unittest.TestCase):
    def test_trains_on_digits_learns_and_a_promotion_resumes_from_the_checkpoint(self):
        directory = tempfile.mkdtemp(prefix="nasd-torch-")
        spec = {"trial_id": "1", "run": "t", "arch": "[FC(64), SM(10)]",
                "layers": [{"type": "fc", "units": 64}, {"type": "softmax", "classes": 10}],
                "hyper": {"learning_rate": 0.1, "batch_size": 64}, "seed": 11, "budget": 2, "start_epoch": 0,
                "checkpoint_dir": os.path.join(directory, "checkpoints"), "input": [1, 8, 8]}

        def run(budget, start):
            spec.update(budget=budget, start_epoch=start)
            path = os.path.join(directory, "spec.json")
            with open(path, "w") as handle:
                json.dump(spec, handle)
            # In this process (one torch import for the whole test), as the worker would run it.
            train.nasd._state.update(spec=None, stop=False, last_epoch=None)
            out, err = io.StringIO(), io.StringIO()
            saved_argv = sys.argv
            sys.argv = ["train.py", "--spec", path]
            try:
                with redirect_stdout(out), redirect_stderr(err):
                    status = train.main()
            finally:
                sys.argv = saved_argv
            self.assertEqual(status, 0, err.getvalue())
            lines = [json.loads(line.split(" ", 1)[1]) for line in out.getvalue().splitlines()
                     if line.startswith("NASD_EPOCH ")]
            return lines, err.getvalue()

        os.environ.pop("NASD_DATA", None)
        first, log = run(2, 0)
        self.assertEqual([r["epoch"] for r in first], [1, 2])
        self.assertIn("scikit-learn digits: 1438 training, 359 validation images", log)
        self.assertGreater(first[-1]["val_acc"], 0.5, "a linear model learns digits in two epochs")
        promoted, log = run(3, 2)
        self.assertEqual([r["epoch"] for r in promoted], [3])
        self.assertIn("resumed from", log)


if __name__ == "__main__":
    unittest.main()
