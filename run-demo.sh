#!/bin/sh
# Starts a simulated demo fleet on loopback, then opens the application on it (building it first when needed):
# ./fleetflash demo, with its options (--no-window: only the fleet, for the command line).
exec "$(dirname "$0")/fleetflash" demo "$@"
