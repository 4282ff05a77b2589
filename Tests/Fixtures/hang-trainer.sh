#!/bin/sh
# A trainer that starts and then hangs without reporting an epoch (end-to-end tests: the daemon's
# no-progress timeout). It records its process ID in $HANG_PID_DIR so the test can check that it
# was stopped, and kill it if it was not.
echo "hang-trainer: trial $NASD_TRIAL_ID started, never reporting"
echo $$ > "$HANG_PID_DIR/trainer.$$"
exec sleep 120
