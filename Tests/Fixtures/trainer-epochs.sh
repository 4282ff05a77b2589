#!/bin/sh
# A fake external trainer: prints what it was given, then one NASD_EPOCH line per epoch from 1 to
# NASD_BUDGET (earlier ones than NASD_START_EPOCH too, like a trainer without checkpoints).
# FAKE_EPOCH_DELAY: seconds per epoch (default 0). FAKE_LAST_EPOCH: exit 0 after this epoch.
echo "spec=$NASD_TRIAL_SPEC"
echo "cuda=${CUDA_VISIBLE_DEVICES:-none}"
echo "trial=$NASD_TRIAL_ID run=$NASD_RUN seed=$NASD_SEED start=$NASD_START_EPOCH extra=${FAKE_EXTRA:-none}"
test -f "$NASD_TRIAL_SPEC" && echo "spec file present"
echo "starting" >&2
last=${FAKE_LAST_EPOCH:-$NASD_BUDGET}
epoch=1
while [ "$epoch" -le "$last" ]; do
    if [ "${FAKE_EPOCH_DELAY:-0}" != "0" ]; then sleep "$FAKE_EPOCH_DELAY"; fi
    echo "NASD_EPOCH {\"epoch\":$epoch,\"val_acc\":0.$epoch,\"train_loss\":1.5}"
    epoch=$((epoch + 1))
done
