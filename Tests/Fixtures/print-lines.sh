#!/bin/sh
# A fake trainer: reports epochs on stdout, a warning on stderr, its environment and directory.
echo "cwd=$(pwd)"
echo "trial=${NASD_TRIAL_ID:-unset}"
for epoch in 1 2 3; do
    echo "epoch $epoch accuracy 0.$epoch"
done
echo "warning: fake" >&2
printf 'no trailing newline'
