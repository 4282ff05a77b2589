#!/bin/sh
# Prints one 100000-byte line, then a short one.
head -c 100000 /dev/zero | tr '\0' 'a'
echo
echo after
