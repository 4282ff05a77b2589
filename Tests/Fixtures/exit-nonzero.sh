#!/bin/sh
# A fake trainer that fails: a traceback on stderr, then exit status 3.
echo "epoch 1 accuracy 0.1"
echo "Traceback (most recent call last):" >&2
echo "ValueError: diverged" >&2
exit 3
