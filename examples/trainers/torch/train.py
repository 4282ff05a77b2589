#!/usr/bin/env python3
"""A PyTorch trainer for nasd (docs/trainer-protocol.md; getting started: docs/getting-started.md).

Builds the network of the trial spec — a sequential network of every layer kind (MetaQNN's GAP(n)
head included), a NAS-Bench-101 cell or a NAS-Bench-201 cell —, trains it with the spec's
hyperparameters and seed, and reports the validation accuracy after every epoch through
`nasd_trainer` (one directory up). A stop from the daemon (SIGTERM) ends the run after the current
epoch, which is reported and saved first. A checkpoint per epoch lets a retried trial or a
Hyperband promotion continue where it left off.

Data, from `--data DIR` (or $NASD_DATA) when given:
  - CIFAR-10's python batches (cifar-10-batches-py): the last 5,000 training images validate, as
    in MetaQNN (Baker et al. 2017);
  - MNIST's IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, optionally .gz): the
    last 10,000 training images validate.
Without --data, scikit-learn's bundled digits (1,797 8×8 images, nothing downloaded): 80 % train,
20 % validate, resized to the spec's input shape when it differs.

The GPU is the one the worker assigned (`nasd worker --gpus`, through CUDA_VISIBLE_DEVICES); the CPU
when there is none.

Hyperparameters (`training.hyperparameters`): learning_rate (0.01), momentum (0.9), weight_decay
(5e-4), batch_size (128), threads (1: CPU threads per trial), lr_decay (0.2) every lr_step (5) epochs, workers (0: data loader
processes), and for cells stem_channels (NAS-Bench-101: 128; 16 is quick on a CPU), stacks (3),
cells_per_stack (3; NAS-Bench-201's N: 5).

Layer mapping (docs/architecture-model.md): conv -> Conv2d with 'same' padding; maxpool/avgpool
without padding; fc -> flatten + Linear; gap -> global average pooling; gap with `classes`
(MetaQNN's GAP(n) head) -> 1×1 conv to n channels, ReLU, global average pooling; softmax -> flatten
+ Linear (the softmax is in the cross-entropy loss); bn -> BatchNorm; relu/sigmoid/tanh; dropout
D(i,n) -> Dropout(0.5 · i / n). A network without an explicit activation layer gets a ReLU after
every conv and fc layer (MetaQNN's convention, where the activation is part of the layer).
"""

import argparse
import gzip
import math
import os
import pickle
import random
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import nasd_trainer as nasd  # noqa: E402

ACTIVATIONS = {"relu", "sigmoid", "tanh"}


# ---------------------------------------------------------------------------------------------
# Sequential networks (MetaQNN and block spaces)


class SamePadConv2d(nn.Module):
    """A convolution with TensorFlow/Caffe 'same' padding: output size ceil(input / stride)."""

    def __init__(self, in_channels, out_channels, kernel, stride, height, width):
        super().__init__()
        pad_h = max((math.ceil(height / stride) - 1) * stride + kernel - height, 0)
        pad_w = max((math.ceil(width / stride) - 1) * stride + kernel - width, 0)
        # left, right, top, bottom: the extra pixel of an odd total goes right/bottom, as in TF.
        self.padding = (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2)
        self.conv = nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, self.padding))


def build_sequential(layers, input_shape):
    """An nn.Sequential from the spec's layer list; returns (model, number of classes)."""
    channels, height, width = (int(v) for v in input_shape)
    spatial = True
    features = channels * height * width
    implicit_relu = not any(layer.get("type") in ACTIVATIONS for layer in layers)
    modules = []
    classes = None

    def flatten():
        nonlocal spatial, features
        if spatial:
            modules.append(nn.Flatten())
            features = channels * height * width
            spatial = False

    for index, layer in enumerate(layers):
        kind = layer.get("type")
        if kind == "conv":
            if not spatial:
                raise ValueError(f"layer {index}: conv after a flat layer")
            filters, kernel, stride = int(layer["filters"]), int(layer["kernel"]), int(layer["stride"])
            modules.append(SamePadConv2d(channels, filters, kernel, stride, height, width))
            channels, height, width = filters, math.ceil(height / stride), math.ceil(width / stride)
            if implicit_relu:
                modules.append(nn.ReLU(inplace=True))
        elif kind in ("maxpool", "avgpool"):
            if not spatial:
                raise ValueError(f"layer {index}: pooling after a flat layer")
            kernel, stride = int(layer["kernel"]), int(layer["stride"])
            kernel_h, kernel_w = min(kernel, height), min(kernel, width)
            pool = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
            modules.append(pool((kernel_h, kernel_w), stride=stride))
            height = (height - kernel_h) // stride + 1
            width = (width - kernel_w) // stride + 1
        elif kind == "fc":
            flatten()
            units = int(layer["units"])
            modules.append(nn.Linear(features, units))
            features = units
            if implicit_relu:
                modules.append(nn.ReLU(inplace=True))
        elif kind == "gap":
            if not spatial:
                raise ValueError(f"layer {index}: global average pooling after a flat layer")
            if layer.get("classes") is not None:
                # MetaQNN's GAP(n) head: 1×1 convolution to n channels, ReLU, global average pool.
                classes = int(layer["classes"])
                modules += [nn.Conv2d(channels, classes, 1), nn.ReLU(inplace=True)]
                channels = classes
            modules.append(nn.AdaptiveAvgPool2d(1))
            height = width = 1
        elif kind == "softmax":
            flatten()
            classes = int(layer["classes"])
            modules.append(nn.Linear(features, classes))
            features = classes
        elif kind == "bn":
            modules.append(nn.BatchNorm2d(channels) if spatial else nn.BatchNorm1d(features))
        elif kind == "relu":
            modules.append(nn.ReLU(inplace=True))
        elif kind == "sigmoid":
            modules.append(nn.Sigmoid())
        elif kind == "tanh":
            modules.append(nn.Tanh())
        elif kind == "dropout":
            rate = 0.5 * int(layer.get("index", 1)) / max(1, int(layer.get("count", 1)))
            modules.append(nn.Dropout(rate))
        else:
            raise ValueError(f"layer {index}: unknown layer type {kind!r}")
    if classes is None:
        # A GAP(n) head ends the network as its classifier; so does SM(n).
        raise ValueError("the network has no classifier (softmax or GAP(n))")
    flatten()
    return nn.Sequential(*modules), classes


# ---------------------------------------------------------------------------------------------
# NAS-Bench-101 cells (Ying et al. 2019, model_builder.py)


class ConvBNReLU(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel):
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


def vertex_channels(in_channels, out_channels, matrix):
    """NAS-Bench-101's compute_vertex_channels: the output's channels split among the vertices
    feeding it, the rest taking the widest of their successors."""
    count = len(matrix)
    channels = [0] * count
    channels[0], channels[-1] = in_channels, out_channels
    if count == 2:
        return channels
    in_degree = sum(matrix[v][count - 1] for v in range(1, count))
    interior, correction = divmod(out_channels, max(1, in_degree))
    for v in range(1, count - 1):
        if matrix[v][count - 1]:
            channels[v] = interior + (1 if correction > 0 else 0)
            correction -= 1 if correction > 0 else 0
    for v in range(count - 3, 0, -1):
        if not matrix[v][count - 1]:
            for destination in range(v + 1, count - 1):
                if matrix[v][destination]:
                    channels[v] = max(channels[v], channels[destination])
    return channels


class NASBench101Cell(nn.Module):
    OPERATIONS = {"conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"}

    def __init__(self, ops, matrix, in_channels, out_channels):
        super().__init__()
        self.matrix = [[int(bool(x)) for x in row] for row in matrix]
        count = len(ops)
        self.channels = vertex_channels(in_channels, out_channels, self.matrix)
        self.operations = nn.ModuleList([nn.Identity()])
        self.projections = nn.ModuleDict()
        for v in range(1, count - 1):
            op = ops[v]
            if op not in self.OPERATIONS:
                raise ValueError(f"vertex {v}: unknown NAS-Bench-101 operation {op!r}")
            c = self.channels[v]
            if op == "maxpool3x3":
                self.operations.append(nn.MaxPool2d(3, stride=1, padding=1))
            else:
                self.operations.append(ConvBNReLU(c, c, 3 if op.startswith("conv3x3") else 1))
            if self.matrix[0][v]:
                self.projections[str(v)] = ConvBNReLU(in_channels, c, 1)
        if self.matrix[0][count - 1] or not any(self.matrix[v][count - 1] for v in range(1, count - 1)):
            self.projections[str(count - 1)] = ConvBNReLU(in_channels, out_channels, 1)

    def forward(self, x):
        count = len(self.matrix)
        values = [x]
        for v in range(1, count - 1):
            inputs = [values[u][:, : self.channels[v]] for u in range(1, v) if self.matrix[u][v]]
            if self.matrix[0][v]:
                inputs.append(self.projections[str(v)](x))
            values.append(self.operations[v](sum(inputs)))
        final = [values[v] for v in range(1, count - 1) if self.matrix[v][count - 1]]
        output = torch.cat(final, dim=1) if final else None
        if str(count - 1) in self.projections:
            projected = self.projections[str(count - 1)](x)
            output = projected if output is None else output + projected
        return output


def build_nasbench101(cell, input_shape, classes, hyper):
    """Stem 3×3 conv + BN + ReLU, `stacks` stacks of `cells_per_stack` cells with a 2×2 max pool
    and doubled channels between stacks, global average pooling, a dense classifier."""
    channels = int(hyper.get("stem_channels", 128))
    modules = [ConvBNReLU(int(input_shape[0]), channels, 3)]
    in_channels = channels
    for stack in range(int(hyper.get("stacks", 3))):
        if stack > 0:
            modules.append(nn.MaxPool2d(2, stride=2, ceil_mode=True))
            channels *= 2
        for _ in range(int(hyper.get("cells_per_stack", 3))):
            modules.append(NASBench101Cell(cell["ops"], cell["adjacency"], in_channels, channels))
            in_channels = channels
    modules += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes)]
    return nn.Sequential(*modules)


# ---------------------------------------------------------------------------------------------
# NAS-Bench-201 cells (Dong & Yang 2020)


class ReLUConvBN(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel, stride=1):
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(in_channels, out_channels, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(out_channels))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def nasbench201_operation(name, channels):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(f"unknown NAS-Bench-201 operation {name!r}")


class NASBench201Cell(nn.Module):
    EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]  # (to, from), the spec's edge order

    def __init__(self, operations, channels):
        super().__init__()
        if len(operations) != 6:
            raise ValueError(f"a NAS-Bench-201 cell has 6 edges, got {len(operations)}")
        self.edges = nn.ModuleList([nasbench201_operation(name, channels) for name in operations])

    def forward(self, x):
        nodes = [x]
        for node in (1, 2, 3):
            nodes.append(sum(self.edges[i](nodes[source]) for i, (to, source) in enumerate(self.EDGES) if to == node))
        return nodes[3]


class ResidualReduction(nn.Module):
    """NAS-Bench-201's ResNet basic block between stages: stride 2, channels doubled."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.a = ReLUConvBN(in_channels, out_channels, 3, stride=2)
        self.b = ReLUConvBN(out_channels, out_channels, 3)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride=2), nn.Conv2d(in_channels, out_channels, 1, bias=False))

    def forward(self, x):
        return self.shortcut(x) + self.b(self.a(x))


def build_nasbench201(operations, input_shape, classes, hyper):
    """Stem 3×3 conv + BN, 3 stages of N cells joined by residual reductions, BN + ReLU, global
    average pooling and a linear classifier (the benchmark's: C = 16, N = 5)."""
    channels = int(hyper.get("stem_channels", 16))
    cells = int(hyper.get("cells_per_stack", 5))
    modules = [nn.Conv2d(int(input_shape[0]), channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels)]
    for stage in range(3):
        if stage > 0:
            modules.append(ResidualReduction(channels, channels * 2))
            channels *= 2
        modules += [NASBench201Cell(operations, channels) for _ in range(cells)]
    modules += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                nn.Linear(channels, classes)]
    return nn.Sequential(*modules)


def build_network(trial, classes):
    """The spec's network: `layers` (sequential), `cell` (NAS-Bench-101) or `nb201_ops`."""
    hyper = trial.get("hyper", {})
    shape = trial.get("input", [3, 32, 32])
    if trial.get("layers"):
        model, declared = build_sequential(trial["layers"], shape)
        if declared != classes:
            raise ValueError(f"the network classifies {declared} classes, the data has {classes}")
        return model
    if trial.get("cell"):
        return build_nasbench101(trial["cell"], shape, classes, hyper)
    if trial.get("nb201_ops"):
        return build_nasbench201(trial["nb201_ops"], shape, classes, hyper)
    raise ValueError("the trial spec has no layers, cell or nb201_ops")


# ---------------------------------------------------------------------------------------------
# Data


def load_cifar10(directory):
    for candidate in (directory, os.path.join(directory, "cifar-10-batches-py")):
        if os.path.exists(os.path.join(candidate, "data_batch_1")):
            images, labels = [], []
            for number in range(1, 6):
                with open(os.path.join(candidate, f"data_batch_{number}"), "rb") as handle:
                    batch = pickle.load(handle, encoding="bytes")
                images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
                labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
            images, labels = np.concatenate(images), np.concatenate(labels)
            mean = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32).reshape(1, 3, 1, 1)
            std = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32).reshape(1, 3, 1, 1)
            images = (images.astype(np.float32) / 255.0 - mean) / std
            return "CIFAR-10", images, labels, 5000
    return None


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        _, _, kind, dimensions = struct.unpack(">HBBB", handle.read(4))
        shape = struct.unpack(">" + "I" * dimensions, handle.read(4 * dimensions))
        return np.frombuffer(handle.read(), dtype=np.uint8).reshape(shape)


def load_mnist(directory):
    for suffix in ("", ".gz"):
        images_path = os.path.join(directory, "train-images-idx3-ubyte" + suffix)
        labels_path = os.path.join(directory, "train-labels-idx1-ubyte" + suffix)
        if os.path.exists(images_path) and os.path.exists(labels_path):
            images = (_read_idx(images_path).astype(np.float32)[:, None] / 255.0 - 0.1307) / 0.3081
            return "MNIST", images, _read_idx(labels_path).astype(np.int64), 10000
    return None


def load_digits():
    """scikit-learn's bundled digits, read from the package's own file when it is there: importing
    scikit-learn costs a second of CPU per trial, as much as a small network's epochs."""
    import importlib.util

    found = importlib.util.find_spec("sklearn")
    path = os.path.join(os.path.dirname(found.origin), "datasets", "data", "digits.csv.gz") if found else None
    if path and os.path.exists(path):
        data = np.loadtxt(path, delimiter=",")  # what sklearn.datasets.load_digits reads
        images, target = data[:, :-1].reshape(-1, 8, 8), data[:, -1].astype(np.int64)
    else:
        from sklearn.datasets import load_digits as sklearn_digits

        digits = sklearn_digits()
        images, target = digits.images, digits.target.astype(np.int64)
    images = (images.astype(np.float32)[:, None] / 16.0 - 0.5) / 0.5
    return "scikit-learn digits", images, target, len(target) // 5


def load_data(directory, seed):
    """(name, train set, validation set, classes) as tensors; the split is fixed by the data set."""
    loaded = (load_cifar10(directory) or load_mnist(directory)) if directory else None
    if directory and loaded is None:
        raise FileNotFoundError(f"no CIFAR-10 (data_batch_1) or MNIST (train-images-idx3-ubyte) under {directory}")
    name, images, labels, validation = loaded or load_digits()
    if not directory:
        order = np.random.default_rng(0).permutation(len(labels))  # the same split for every trial
        images, labels = images[order], labels[order]
    train = (torch.from_numpy(images[:-validation]), torch.from_numpy(labels[:-validation]))
    val = (torch.from_numpy(images[-validation:]), torch.from_numpy(labels[-validation:]))
    return name, train, val, int(labels.max()) + 1


def fit_to_shape(images, shape):
    """Images resized and channel-repeated to the spec's input shape [C, H, W], when they differ."""
    channels, height, width = (int(v) for v in shape)
    if tuple(images.shape[1:]) == (channels, height, width):
        return images
    if images.shape[1] not in (1, channels):
        raise ValueError(f"data with {images.shape[1]} channels cannot feed an input of {channels}")
    resized = F.interpolate(images, size=(height, width), mode="bilinear", align_corners=False)
    return resized.expand(-1, channels, -1, -1).contiguous()


# ---------------------------------------------------------------------------------------------
# Training


def train_epoch(model, loader, optimizer, device):
    model.train()
    total, loss_sum = 0, 0.0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * targets.size(0)
        total += targets.size(0)
    return loss_sum / max(1, total)


@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        outputs = model(inputs)
        loss_sum += F.cross_entropy(outputs, targets, reduction="sum").item()
        correct += (outputs.argmax(dim=1) == targets).sum().item()
        total += targets.size(0)
    return correct / max(1, total), loss_sum / max(1, total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("NASD_DATA"), help="CIFAR-10 (python) or MNIST (IDX) folder")
    parser.add_argument("--spec", help="the trial spec (default $NASD_TRIAL_SPEC)")
    arguments = parser.parse_args()
    trial = nasd.spec(arguments.spec)
    hyper = trial["hyper"]
    seed = int(trial["seed"])
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed % 2**63)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        # Workers run several trials side by side: one thread each unless told otherwise.
        torch.set_num_threads(int(hyper.get("threads", 1)))
    name, (train_x, train_y), (val_x, val_y), classes = load_data(arguments.data, seed)
    train_x, val_x = fit_to_shape(train_x, trial["input"]), fit_to_shape(val_x, trial["input"])
    model = build_network(trial, classes).to(device)
    parameters = sum(p.numel() for p in model.parameters())
    where = f"GPU {','.join(nasd.gpus()) or 0}" if device.type == "cuda" else "CPU"
    nasd.log(f"trial {trial['trial_id']}: {trial.get('arch', '')} ({parameters:,} parameters) on {where}; "
             f"{name}: {len(train_y)} training, {len(val_y)} validation images")

    batch_size = int(hyper.get("batch_size", 128))
    workers = int(hyper.get("workers", 0))
    generator = torch.Generator().manual_seed(seed % 2**63)
    train_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(train_x, train_y), batch_size=batch_size, shuffle=True,
        num_workers=workers, generator=generator, worker_init_fn=nasd.ignore_sigterm,
        pin_memory=device.type == "cuda")
    val_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(val_x, val_y), batch_size=512, num_workers=workers,
        worker_init_fn=nasd.ignore_sigterm)

    learning_rate = float(hyper.get("learning_rate", 0.01))
    optimizer = torch.optim.SGD(
        model.parameters(), lr=learning_rate, momentum=float(hyper.get("momentum", 0.9)),
        weight_decay=float(hyper.get("weight_decay", 5e-4)))
    lr_step, lr_decay = int(hyper.get("lr_step", 5)), float(hyper.get("lr_decay", 0.2))

    def save(path):
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "torch_rng": torch.get_rng_state(), "python_rng": random.getstate(),
                    "loader_rng": generator.get_state()}, path)

    def load(path):
        state = torch.load(path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        random.setstate(state["python_rng"])
        generator.set_state(state["loader_rng"])

    done = nasd.resume(load)
    for epoch in nasd.epochs(done):
        rate = learning_rate * lr_decay ** ((epoch - 1) // max(1, lr_step))
        for group in optimizer.param_groups:
            group["lr"] = rate
        started = time.monotonic()
        train_loss = train_epoch(model, train_loader, optimizer, device)
        if not math.isfinite(train_loss):
            nasd.log(f"epoch {epoch}: the training loss diverged ({train_loss})")
            return 3
        val_acc, val_loss = evaluate(model, val_loader, device)
        nasd.save_checkpoint(epoch, save)
        nasd.report(epoch, val_acc=val_acc, train_loss=train_loss, val_loss=val_loss, learning_rate=rate,
                    epoch_seconds=time.monotonic() - started)
        if nasd.should_stop():
            nasd.log(f"stopped after epoch {epoch}")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
