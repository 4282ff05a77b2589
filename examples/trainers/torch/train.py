#!/usr/bin/env python3
"""A PyTorch trainer for nasd (docs/trainer-protocol.md, "External trainers").

Reads the trial spec named by NASD_TRIAL_SPEC, builds the network from its `layers` list, trains
epochs start_epoch + 1 ... budget, and after each epoch prints

    NASD_EPOCH {"epoch": 3, "val_acc": 0.71, "train_loss": 0.52, "learning_rate": 0.01}

on stdout. A checkpoint per epoch goes to NASD_CHECKPOINT_DIR, so a retried or promoted trial
(start_epoch > 0) continues where it left off. SIGTERM (a stop from the daemon) ends the run after
the current epoch, which is reported and saved first; make the worker's grace period cover an
epoch, or the trainer loses it to SIGKILL.

Data: CIFAR-10 in its "python version" (cifar-10-batches-py, as distributed by its authors) under
--data DIR (or $NASD_DATA); the last 5,000 training images are the validation set, as in MetaQNN
(Baker et al. 2017). Without --data, a small synthetic data set with the spec's input shape, drawn
from the trial's seed. Nothing is downloaded.

Config example (docs/config.md):

    trainer:
      command: [python3, examples/trainers/pytorch_trainer.py, --data, /data/cifar10]
    training:
      hyperparameters: {learning_rate: 0.01, momentum: 0.9, weight_decay: 0.0005, batch_size: 128}

Layer mapping (docs/architecture-model.md): conv -> Conv2d with 'same' padding; maxpool/avgpool
without padding; fc -> flatten + Linear; gap -> global average pooling; gap with `classes`
(MetaQNN's GAP(n) head) -> 1x1 conv to n channels, ReLU, global average pooling; softmax -> flatten
+ Linear (the softmax is in the cross-entropy loss); bn -> BatchNorm; relu/sigmoid/tanh; dropout
D(i,n) -> Dropout(0.5 * i / n). A network without any explicit activation layer gets a ReLU after
every conv and fc layer (MetaQNN's convention, where the activation is part of the layer).

Hyperparameters (`hyper`): learning_rate (0.01), momentum (0.9), weight_decay (5e-4),
batch_size (128), lr_decay (0.2) applied every lr_step (5) epochs, workers (2, data loader
processes), synthetic_train / synthetic_val (sizes of the synthetic set).
"""

import argparse
import json
import math
import os
import pickle
import random
import signal
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {"relu", "sigmoid", "tanh"}
CHECKPOINT_PREFIX = "checkpoint-"
CHECKPOINTS_KEPT = 3


def log(message):
    """A log line: stderr, which the worker streams to the daemon's per-trial log."""
    print(message, file=sys.stderr, flush=True)


def report_epoch(epoch, val_acc, **metrics):
    """The line channel: one NASD_EPOCH line per finished epoch, flushed at once."""
    record = {"epoch": int(epoch), "val_acc": float(val_acc)}
    record.update({key: float(value) for key, value in metrics.items() if math.isfinite(float(value))})
    print("NASD_EPOCH " + json.dumps(record, sort_keys=True), flush=True)


class StopFlag:
    """Set by SIGTERM: the run ends after the current epoch (reported and saved)."""

    def __init__(self):
        self.requested = False
        signal.signal(signal.SIGTERM, self._handle)

    def _handle(self, signum, frame):
        self.requested = True
        log("SIGTERM: finishing the current epoch, then saving and exiting")


# ---------------------------------------------------------------------------------------------
# The network


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


def build_network(layers, input_shape):
    """Builds an nn.Sequential from the spec's layer list; returns (model, number of classes)."""
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
                # MetaQNN's GAP(n) head: 1x1 convolution to n channels, ReLU, global average pool.
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
        raise ValueError("the network has no classifier (softmax or GAP(n))")
    flatten()
    return nn.Sequential(*modules), classes


# ---------------------------------------------------------------------------------------------
# Data


def load_cifar10(directory):
    """CIFAR-10's python batches -> (train, validation) as (uint8 NCHW array, int64 labels)."""
    for candidate in (directory, os.path.join(directory, "cifar-10-batches-py")):
        if os.path.exists(os.path.join(candidate, "data_batch_1")):
            directory = candidate
            break
    else:
        return None
    images, labels = [], []
    for number in range(1, 6):
        with open(os.path.join(directory, f"data_batch_{number}"), "rb") as handle:
            batch = pickle.load(handle, encoding="bytes")
        images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
    images, labels = np.concatenate(images), np.concatenate(labels)
    # MetaQNN: 45,000 images to train, the last 5,000 of the training set to validate.
    return (images[:45000], labels[:45000]), (images[45000:], labels[45000:])


def synthetic_dataset(shape, classes, seed, train_size, val_size):
    """Learnable synthetic images: a fixed random prototype per class plus noise."""
    generator = np.random.default_rng(seed)
    prototypes = generator.normal(0.0, 1.0, size=(classes,) + tuple(shape)).astype(np.float32)

    def draw(count):
        labels = generator.integers(0, classes, size=count)
        noise = generator.normal(0.0, 1.5, size=(count,) + tuple(shape)).astype(np.float32)
        return prototypes[labels] + noise, labels.astype(np.int64)

    return draw(train_size), draw(val_size)


class Normalized(torch.utils.data.Dataset):
    """uint8 CIFAR images -> normalized float tensors, with flips and crops for training."""

    MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32).reshape(3, 1, 1)
    STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32).reshape(3, 1, 1)

    def __init__(self, images, labels, augment):
        self.images, self.labels, self.augment = images, labels, augment

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = self.images[index]
        if image.dtype == np.uint8:
            image = (image.astype(np.float32) / 255.0 - self.MEAN) / self.STD
        if self.augment:
            if random.random() < 0.5:
                image = image[:, :, ::-1]
            padded = np.pad(image, ((0, 0), (4, 4), (4, 4)), mode="constant")
            top, left = random.randint(0, 8), random.randint(0, 8)
            image = padded[:, top:top + image.shape[1], left:left + image.shape[2]]
        return torch.from_numpy(np.ascontiguousarray(image)), int(self.labels[index])


# ---------------------------------------------------------------------------------------------
# Checkpoints


def checkpoint_path(directory, epoch):
    return os.path.join(directory, f"{CHECKPOINT_PREFIX}{epoch}.pt")


def save_checkpoint(directory, epoch, model, optimizer):
    """Writes checkpoint-<epoch>.pt atomically and keeps the last few."""
    os.makedirs(directory, exist_ok=True)
    state = {
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "python_rng": random.getstate(),
    }
    temporary = checkpoint_path(directory, epoch) + ".tmp"
    torch.save(state, temporary)
    os.replace(temporary, checkpoint_path(directory, epoch))
    for name in os.listdir(directory):
        if name.startswith(CHECKPOINT_PREFIX) and name.endswith(".pt"):
            try:
                saved = int(name[len(CHECKPOINT_PREFIX):-3])
            except ValueError:
                continue
            if saved <= epoch - CHECKPOINTS_KEPT:
                os.remove(os.path.join(directory, name))


def load_checkpoint(directory, epoch, model, optimizer, device):
    """Loads checkpoint-<epoch>.pt when present; returns the epoch to continue after (0 if none)."""
    if epoch <= 0:
        return 0
    path = checkpoint_path(directory, epoch)
    if not os.path.exists(path):
        log(f"no checkpoint for epoch {epoch} in {directory}: training from scratch")
        return 0
    state = torch.load(path, map_location=device, weights_only=False)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["torch_rng"])
    random.setstate(state["python_rng"])
    log(f"resumed from {path}")
    return int(state["epoch"])


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


def ignore_sigterm(worker_id):
    """Data loader processes share the trainer's process group, so the worker's SIGTERM reaches
    them too; they ignore it and let the main process finish its epoch (SIGKILL still ends them)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("NASD_DATA"), help="directory holding CIFAR-10 (python)")
    parser.add_argument("--spec", default=os.environ.get("NASD_TRIAL_SPEC"), help="the trial spec (NASD_TRIAL_SPEC)")
    arguments = parser.parse_args()
    if not arguments.spec:
        parser.error("no trial spec: run under `nasd worker` or pass --spec FILE")
    with open(arguments.spec) as handle:
        spec = json.load(handle)

    stop = StopFlag()
    hyper = spec.get("hyper", {})
    seed = int(spec["seed"])
    budget, start_epoch = int(spec["budget"]), int(spec.get("start_epoch", 0))
    checkpoint_dir = spec["checkpoint_dir"]
    input_shape = spec.get("input", [3, 32, 32])
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed % 2**63)

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model, classes = build_network(spec["layers"], input_shape)
    model = model.to(device)
    parameters = sum(p.numel() for p in model.parameters())
    log(f"trial {spec['trial_id']}: {spec['arch']} ({parameters:,} parameters) on {device}")

    cifar = load_cifar10(arguments.data) if arguments.data else None
    if cifar is not None and list(input_shape) == [3, 32, 32] and classes == 10:
        (train_x, train_y), (val_x, val_y) = cifar
        train_set, val_set = Normalized(train_x, train_y, augment=True), Normalized(val_x, val_y, augment=False)
        log(f"CIFAR-10 from {arguments.data}: {len(train_set)} training, {len(val_set)} validation images")
    else:
        if arguments.data:
            log(f"no usable CIFAR-10 under {arguments.data}: using synthetic data")
        (train_x, train_y), (val_x, val_y) = synthetic_dataset(
            input_shape, classes, seed, int(hyper.get("synthetic_train", 2048)), int(hyper.get("synthetic_val", 512)))
        train_set, val_set = Normalized(train_x, train_y, augment=False), Normalized(val_x, val_y, augment=False)
        log(f"synthetic data: {len(train_set)} training, {len(val_set)} validation samples")

    batch_size = int(hyper.get("batch_size", 128))
    workers = int(hyper.get("workers", 2))
    loader_generator = torch.Generator().manual_seed(seed % 2**63)
    train_loader = torch.utils.data.DataLoader(
        train_set, batch_size=batch_size, shuffle=True, num_workers=workers, generator=loader_generator,
        worker_init_fn=ignore_sigterm, pin_memory=device.type == "cuda", drop_last=False)
    val_loader = torch.utils.data.DataLoader(
        val_set, batch_size=512, shuffle=False, num_workers=workers, worker_init_fn=ignore_sigterm,
        pin_memory=device.type == "cuda")

    learning_rate = float(hyper.get("learning_rate", 0.01))
    optimizer = torch.optim.SGD(
        model.parameters(), lr=learning_rate, momentum=float(hyper.get("momentum", 0.9)),
        weight_decay=float(hyper.get("weight_decay", 5e-4)))
    lr_step, lr_decay = int(hyper.get("lr_step", 5)), float(hyper.get("lr_decay", 0.2))

    done = load_checkpoint(checkpoint_dir, start_epoch, model, optimizer, device)
    for epoch in range(done + 1, budget + 1):
        rate = learning_rate * lr_decay ** ((epoch - 1) // max(1, lr_step))
        for group in optimizer.param_groups:
            group["lr"] = rate
        started = time.monotonic()
        train_loss = train_epoch(model, train_loader, optimizer, device)
        val_acc, val_loss = evaluate(model, val_loader, device)
        if not math.isfinite(train_loss):
            log(f"epoch {epoch}: the training loss diverged ({train_loss})")
            return 3
        save_checkpoint(checkpoint_dir, epoch, model, optimizer)
        report_epoch(
            epoch, val_acc, train_loss=train_loss, val_loss=val_loss, learning_rate=rate,
            epoch_seconds=time.monotonic() - started)
        if stop.requested:
            log(f"stopped after epoch {epoch}")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
