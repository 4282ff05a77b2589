#!/bin/sh
# A fake external trainer whose epoch line has no val_acc, then waits to be terminated.
echo 'NASD_EPOCH {"epoch":1,"accuracy":0.5}'
while :; do sleep 0.05; done
