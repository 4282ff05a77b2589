#!/bin/sh
# A fake trainer that ignores SIGTERM (inherited by its sleep), so only SIGKILL stops it.
trap '' TERM
echo ready
while :; do sleep 1; done
