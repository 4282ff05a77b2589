#!/bin/sh
# A fake external trainer that validates every second epoch: NASD_EPOCH lines for epochs 2, 4, …,
# NASD_BUDGET only. Its accuracy rises 5 points per epoch from a level set by the trial's seed
# (0.00–0.49), so trials differ and a curve's early part tells its end. FAKE_EPOCH_DELAY: seconds
# per reported epoch (default 0).
level=$((NASD_SEED % 50))
epoch=2
while [ "$epoch" -le "$NASD_BUDGET" ]; do
    if [ "${FAKE_EPOCH_DELAY:-0}" != "0" ]; then sleep "$FAKE_EPOCH_DELAY"; fi
    percent=$((level + 5 * epoch))
    echo "NASD_EPOCH {\"epoch\":$epoch,\"val_acc\":$((percent / 100)).$((percent / 10 % 10))$((percent % 10))}"
    epoch=$((epoch + 2))
done
