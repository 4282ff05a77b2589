#!/bin/sh
# A fake trainer with a child of its own (a data loader) that ignores SIGTERM. The trainer exits
# on SIGTERM; the grandchild stays in the process group until SIGKILL. Prints the grandchild's pid.
sh -c 'trap "" TERM; while :; do sleep 1; done' &
echo "grandchild $!"
trap 'exit 0' TERM
echo ready
# `wait` returns as soon as a signal arrives, so the trap runs at once rather than after the
# current `sleep` (which kept the trainer alive past the test's grace period now and then).
while :; do sleep 1 & wait $!; done
