#!/usr/bin/env python3
"""Reference outputs of PyTorch for the NASNumerics neural-network toolkit.

Writes pytorch_reference.json: for each case the layer's configuration, its fixed weights and
inputs, and PyTorch's forward outputs and autograd gradients (for a fixed upstream gradient), so
the Swift tests can set the same weights and compare. Usage:

    python3 make_fixtures.py [OUTPUT_DIR]     # default: this script's folder

Regenerating on another machine may change the last bits of a few values (different kernels);
the Swift tests compare with a tolerance, not bit for bit.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(20240601)
torch.set_default_dtype(torch.float32)

cases = []


def tensor(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "scalars": [float(v) for v in t.reshape(-1).tolist()]}


def add_case(name, kind, config, tensors):
    cases.append({"name": name, "kind": kind, "config": config,
                  "tensors": {key: tensor(value) for key, value in tensors.items()}})


def layer_case(name, kind, config, module, x, train=True):
    """Forward x through module, back-propagate a fixed random upstream gradient."""
    module.train(train)
    x = x.clone().requires_grad_(True)
    parameters = {f"param.{k}": v.detach().clone() for k, v in module.state_dict().items()}
    y = module(x)
    upstream = torch.randn_like(y)
    module.zero_grad()
    y.backward(upstream)
    tensors = {"input": x, "output": y, "output_gradient": upstream, "input_gradient": x.grad}
    tensors.update(parameters)
    for k, p in module.named_parameters():
        tensors[f"grad.{k}"] = p.grad
    for k, v in module.state_dict().items():
        if "running" in k:
            tensors[f"after.{k}"] = v
    add_case(name, kind, config, tensors)


# Linear
layer_case("linear", "linear", {"input": 5, "output": 3}, nn.Linear(5, 3), torch.randn(4, 5))

# ReLU (values away from 0 by construction of randn: measure-zero ties)
layer_case("relu", "relu", {}, nn.ReLU(), torch.randn(3, 7))

# Batch normalization: 1-D train, 1-D eval with non-trivial running stats, 2-D train
bn = nn.BatchNorm1d(4)
with torch.no_grad():
    bn.weight.copy_(torch.rand(4) + 0.5)
    bn.bias.copy_(torch.randn(4))
layer_case("batchnorm1d_train", "batchnorm", {"features": 4, "momentum": 0.1, "epsilon": 1e-5, "training": 1},
           bn, torch.randn(6, 4) * 2 + 1)
bn = nn.BatchNorm1d(4)
with torch.no_grad():
    bn.weight.copy_(torch.rand(4) + 0.5)
    bn.bias.copy_(torch.randn(4))
    bn.running_mean.copy_(torch.randn(4))
    bn.running_var.copy_(torch.rand(4) + 0.5)
layer_case("batchnorm1d_eval", "batchnorm", {"features": 4, "momentum": 0.1, "epsilon": 1e-5, "training": 0},
           bn, torch.randn(5, 4), train=False)
bn = nn.BatchNorm2d(3, momentum=0.2)
with torch.no_grad():
    bn.weight.copy_(torch.rand(3) + 0.5)
    bn.bias.copy_(torch.randn(3))
layer_case("batchnorm2d_train", "batchnorm", {"features": 3, "momentum": 0.2, "epsilon": 1e-5, "training": 1},
           bn, torch.randn(2, 3, 4, 4))

# Convolutions over RNAS-sized inputs
layer_case("conv_k3_s1_p1", "conv2d", {"input": 3, "output": 4, "kernel": 3, "stride": 1, "padding": 1},
           nn.Conv2d(3, 4, 3, stride=1, padding=1), torch.randn(2, 3, 7, 7))
layer_case("conv_k2_s2_p0", "conv2d", {"input": 19, "output": 5, "kernel": 2, "stride": 2, "padding": 0},
           nn.Conv2d(19, 5, 2, stride=2, padding=0), torch.randn(2, 19, 7, 7))

# Pooling
layer_case("maxpool_k2_s2", "maxpool", {"kernel": 2, "stride": 2, "padding": 0},
           nn.MaxPool2d(2, 2), torch.randn(2, 3, 6, 6))
layer_case("maxpool_k3_s2_p1", "maxpool", {"kernel": 3, "stride": 2, "padding": 1},
           nn.MaxPool2d(3, 2, padding=1), torch.randn(2, 2, 7, 7))
layer_case("avgpool_k2_s2", "avgpool", {"kernel": 2, "stride": 2, "padding": 0},
           nn.AvgPool2d(2, 2), torch.randn(2, 3, 7, 7))
layer_case("avgpool_k3_s1_p1", "avgpool", {"kernel": 3, "stride": 1, "padding": 1},
           nn.AvgPool2d(3, 1, padding=1, count_include_pad=True), torch.randn(1, 2, 5, 5))

# Embedding
embedding = nn.Embedding(10, 4)
indices = torch.tensor([3, 0, 9, 3, 7])
out = embedding(indices)
upstream = torch.randn_like(out)
embedding.zero_grad()
out.backward(upstream)
add_case("embedding", "embedding", {"count": 10, "dimension": 4},
         {"indices": indices.float(), "param.weight": embedding.weight, "output": out,
          "output_gradient": upstream, "grad.weight": embedding.weight.grad})

# LSTM over padded variable-length sequences; the last valid hidden state of each
lstm = nn.LSTM(5, 6, batch_first=True)
lengths = torch.tensor([5, 2, 4, 1])
x = torch.randn(4, 5, 5).requires_grad_(True)
packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
_, (h_n, _) = lstm(packed)
last = h_n[0]
upstream = torch.randn_like(last)
lstm.zero_grad()
last.backward(upstream)
tensors = {"input": x, "lengths": lengths.float(), "output": last, "output_gradient": upstream,
           "input_gradient": x.grad}
for k, p in lstm.named_parameters():
    tensors[f"param.{k}"] = p
    tensors[f"grad.{k}"] = p.grad
add_case("lstm", "lstm", {"input": 5, "hidden": 6}, tensors)


# Losses: value and gradient with respect to the predictions
def loss_case(name, kind, config, function, predictions, targets):
    predictions = predictions.clone().requires_grad_(True)
    value = function(predictions, targets)
    value.backward()
    add_case(name, kind, config, {"predictions": predictions, "targets": targets,
                                  "value": value.reshape(1), "gradient": predictions.grad})


p, t = torch.randn(8) * 2, torch.randn(8) * 2
loss_case("smooth_l1_beta1", "smooth_l1", {"beta": 1.0}, lambda a, b: F.smooth_l1_loss(a, b, beta=1.0), p, t)
loss_case("smooth_l1_beta0.5", "smooth_l1", {"beta": 0.5}, lambda a, b: F.smooth_l1_loss(a, b, beta=0.5), p, t)
loss_case("mse", "mse", {}, F.mse_loss, p, t)


def ranking_hinge(margin):
    def function(predictions, targets):
        first, second = torch.triu_indices(len(targets), len(targets), offset=1)
        sign = torch.sign(targets[first] - targets[second])
        keep = sign != 0
        return F.margin_ranking_loss(predictions[first][keep], predictions[second][keep], sign[keep], margin=margin)
    return function


targets = torch.tensor([0.9, 0.5, 0.7, 0.5, 0.1, 0.3])
loss_case("ranking_hinge", "ranking_hinge", {"margin": 0.5}, ranking_hinge(0.5), torch.randn(6) * 0.5, targets)

anchor, positive, negative = (torch.randn(5, 4).requires_grad_(True) for _ in range(3))
value = nn.TripletMarginLoss(margin=1.0)(anchor, positive, negative)
value.backward()
add_case("triplet", "triplet", {"margin": 1.0},
         {"anchor": anchor, "positive": positive, "negative": negative, "value": value.reshape(1),
          "anchor_gradient": anchor.grad, "positive_gradient": positive.grad, "negative_gradient": negative.grad})


# Optimizers: three steps on one parameter with fixed gradients
def optimizer_case(name, kind, config, make):
    parameter = nn.Parameter(torch.randn(2, 3))
    tensors = {"param_initial": parameter.detach().clone()}
    optimizer = make([parameter])
    for step in range(3):
        gradient = torch.randn(2, 3)
        parameter.grad = gradient.clone()
        optimizer.step()
        tensors[f"gradient_{step}"] = gradient
        tensors[f"param_after_{step}"] = parameter.detach().clone()
    add_case(name, kind, config, tensors)


optimizer_case("sgd_momentum", "sgd", {"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4, "nesterov": 0},
               lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-4))
optimizer_case("sgd_nesterov", "sgd", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.0, "nesterov": 1},
               lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True))
optimizer_case("adam", "adam", {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weight_decay": 1e-3},
               lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1e-3))

output_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(output_dir, "pytorch_reference.json"), "w") as handle:
    json.dump({"generator": "make_fixtures.py", "torch_version": torch.__version__, "cases": cases}, handle, indent=1)
