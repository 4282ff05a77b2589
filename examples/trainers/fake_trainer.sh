#!/bin/sh
# A tiny external trainer for trying the command path without PyTorch (docs/trainer-protocol.md).
#
# It "trains" epochs NASD_START_EPOCH+1 ... NASD_BUDGET, one per FAKE_EPOCH_SECONDS (default 0.2),
# with a made-up accuracy curve that rises with the epoch and depends on the seed, and prints one
# NASD_EPOCH line per epoch. On SIGTERM it finishes the epoch it is in, reports it, and exits 0.
#
#   trainer:
#     command: [sh, examples/trainers/fake_trainer.sh]
#     env: {FAKE_EPOCH_SECONDS: "0.5"}
set -eu
: "${NASD_TRIAL_SPEC:?run me under nasd worker (NASD_TRIAL_SPEC is not set)}"
delay=${FAKE_EPOCH_SECONDS:-0.2}
stopping=0
trap 'stopping=1' TERM

echo "fake trainer: trial $NASD_TRIAL_ID of run $NASD_RUN, $NASD_ARCH" >&2
echo "fake trainer: epochs $((NASD_START_EPOCH + 1))..$NASD_BUDGET, checkpoints in $NASD_CHECKPOINT_DIR" >&2
mkdir -p "$NASD_CHECKPOINT_DIR"

# A per-trial ceiling between 0.50 and 0.89 from the seed's last digits (the seed itself may not
# fit in shell arithmetic; the leading 1 keeps digits like 0123 decimal).
digits=$(printf '%s' "$NASD_SEED" | tail -c 4)
ceiling=$((50 + 1$digits % 40))
epoch=$((NASD_START_EPOCH + 1))
while [ "$epoch" -le "$NASD_BUDGET" ]; do
    sleep "$delay" || true
    # accuracy = ceiling * (1 - 1/(epoch+1)), in thousandths
    accuracy=$((ceiling * 10 * epoch / (epoch + 1)))
    printf 'NASD_EPOCH {"epoch":%d,"val_acc":0.%03d,"train_loss":%d.%02d}\n' \
        "$epoch" "$accuracy" $((2 / epoch)) $((100 / (epoch + 1)))
    echo "$epoch" > "$NASD_CHECKPOINT_DIR/last_epoch"
    if [ "$stopping" = 1 ]; then
        echo "fake trainer: stopped after epoch $epoch" >&2
        exit 0
    fi
    epoch=$((epoch + 1))
done
