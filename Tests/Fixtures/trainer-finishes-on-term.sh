#!/bin/sh
# A fake external trainer that reports epoch 1, then on SIGTERM finishes its epoch (epoch 2),
# reports it, and exits 0.
trap 'echo "NASD_EPOCH {\"epoch\":2,\"val_acc\":0.6}"; echo "saved checkpoint"; exit 0' TERM
echo 'NASD_EPOCH {"epoch":1,"val_acc":0.5}'
while :; do sleep 0.05; done
