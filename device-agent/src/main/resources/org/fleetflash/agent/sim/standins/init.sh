#!/bin/sh
# init(8) stand-in: present for the agent's checks; refuses to run because init is already PID 1.
echo "init: already running" >&2
exit 1
