#!/usr/bin/env bash
# Records real learning curves for the early-stopping and predictor benchmarks (issue 8 §5, issue 9 §5):
# a random search over a scaled-down MetaQNN space run by nasd itself, every trial trained for real by
# examples/trainers/torch/train.py (PyTorch, one CPU thread per trial, run behind bench/torch_forkserver.py
# so that torch is imported once) on scikit-learn's bundled digits
# (1,437 training / 360 validation 8×8 images, nothing downloaded), 12 epochs of SGD with a step
# learning-rate decay (×0.2 after epochs 5 and 10; settings below), then `nasd export --format jsonl`.
#
#   bash bench/record_digits_curves.sh [OUT]        # default bench/data/digits-curves.jsonl
#
# Environment: NASD_BIN (default .build/release/nasd), RECORD_TRIALS (default 310), RECORD_WORKERS
# (default 2), RECORD_SEED (default 11), RECORD_EPOCHS (default 12), RECORD_LR_STEP (default 5: the
# rate is multiplied by 0.2 every that many epochs), RECORD_LEASE_TIMEOUT (seconds, default 10: raise
# it to pause the recording with SIGSTOP, e.g. while timing something else), RECORD_KEEP=1 keeps the
# state directory.
# The 27-epoch file: RECORD_EPOCHS=27 RECORD_LR_STEP=10 bash bench/record_digits_curves.sh \
#   bench/data/digits-curves-27.jsonl   (docs/BENCHMARKS.md, "Real curves (digits)").
# The 81-epoch file: two recordings, RECORD_EPOCHS=81 RECORD_LR_STEP=27 with RECORD_TRIALS=150
# RECORD_SEED=11 and RECORD_TRIALS=160 RECORD_SEED=12, merged without the second's networks already in
# the first, each row's id prefixed with its recording's seed (docs/BENCHMARKS.md, "f-Hyperband").
# Needs python3 with torch and scikit-learn (pip install torch scikit-learn). The committed file took
# 56 min on 2 heavily shared cores, with extra workers attached (docs/BENCHMARKS.md, "Real curves (digits)").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
nasd=${NASD_BIN:-$root/.build/release/nasd}
out=${1:-$here/data/digits-curves.jsonl}
trials=${RECORD_TRIALS:-310}
workers=${RECORD_WORKERS:-2}
seed=${RECORD_SEED:-11}
epochs=${RECORD_EPOCHS:-12}
lr_step=${RECORD_LR_STEP:-5}

[[ -x $nasd ]] || { echo "record: no nasd binary at $nasd (swift build -c release --product nasd)" >&2; exit 1; }
python3 -c "import torch, sklearn" || { echo "record: needs torch and scikit-learn" >&2; exit 1; }

state=$(mktemp -d /tmp/nasd-digits.XXXXXX)
server=""
cleanup() {
    # SIGKILL: the server imported nasd_trainer, whose SIGTERM handler only sets a flag.
    [[ -n $server ]] && kill -KILL "$server" 2>/dev/null
    if [[ ${RECORD_KEEP:-0} == 1 ]]; then echo "record: kept $state"; else rm -rf "$state"; fi
}
trap cleanup EXIT
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# train.py behind a fork server (bench/torch_forkserver.py): torch is imported once, not per trial.
python3 "$here/torch_forkserver.py" serve "$state/trainer.sock" 2>"$state/forkserver.log" &
server=$!
for _ in $(seq 1 600); do [[ -S $state/trainer.sock ]] && break; sleep 0.1; done
[[ -S $state/trainer.sock ]] || { cat "$state/forkserver.log" >&2; echo "record: the fork server did not start" >&2; exit 1; }
config=$state/digits-curves.yaml
cat >"$config" <<YAML
name: digits-curves
description: real curves for the SRM and Peephole benchmarks (bench/record_digits_curves.sh)
seed: $seed
space:
  kind: metaqnn
  filters: [4, 8, 16, 32]
  kernels: [1, 3, 5]
  pools: [[2, 2], [3, 2]]
  fc_sizes: [16, 32, 64]
  max_depth: 7
  size_bins: [8, 4, 1]
  limits: {max_flops: 250000}   # multiply-accumulates per image: keeps a trial to seconds on one CPU thread
  input: [1, 8, 8]
  classes: 10
strategy: {kind: random}
training:
  epochs: $epochs
  hyperparameters: {learning_rate: 0.05, momentum: 0.9, weight_decay: 0.0005, batch_size: 128,
                    lr_step: $lr_step, lr_decay: 0.2, threads: 1}
trainer:
  command: [python3, $here/torch_forkserver.py, client, $state/trainer.sock]
  workdir: $root
end: {max_trials: $trials}
trial: {max_attempts: 2, no_progress_timeout: 5m}
YAML

started=$(date +%s)
"$nasd" run "$config" --workers "$workers" --state-dir "$state" --lease-timeout "${RECORD_LEASE_TIMEOUT:-10}" </dev/null >"$state/run.log" 2>&1 \
    || { tail -n 30 "$state/run.log" >&2; echo "record: the run failed (log: $state/run.log)" >&2; exit 1; }
echo "record: $trials trials in $(( $(date +%s) - started )) s on $workers workers"
mkdir -p "$(dirname "$out")"
"$nasd" export digits-curves --format jsonl --state-dir "$state" --out "$out"
echo "record: wrote $(wc -l <"$out") rows to $out"
