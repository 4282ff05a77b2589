#!/bin/sh
# A fake external trainer that reports one epoch, prints 25 numbered lines, then exits 3.
echo 'NASD_EPOCH {"epoch":1,"val_acc":0.25}'
i=1
while [ "$i" -le 25 ]; do
    echo "line $i"
    i=$((i + 1))
done
echo "ValueError: diverged"
exit 3
