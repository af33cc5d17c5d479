#!/bin/sh
# The simulated watchdogd: a long-lived process whose pid is in /var/run/watchdogd.pid.
# SIGTERM/SIGINT disarm the watchdog (recorded in sim/watchdog); SIGKILL leaves it armed, as on
# FreeBSD. It exits by itself when the JVM that started it (its parent) is gone.
FF_SIM='@FF_SIM_DIR@'

# shellcheck disable=SC2317
disarm() {
	printf 'disarmed %s\n' "$(/usr/bin/date +%s)" >"$FF_SIM/watchdog"
	/bin/rm -f "$FF_SIM/watchdogd.run"
	exit 0
}
trap disarm TERM INT
printf 'armed %s\n' "$(/usr/bin/date +%s)" >"$FF_SIM/watchdog"
parent=$PPID
# bounded: at most 30 days of one-second naps, and only while the parent lives and the sandbox wants it
n=0
while [ "$n" -lt 2592000 ] && kill -0 "$parent" 2>/dev/null && [ -f "$FF_SIM/watchdogd.run" ]; do
	/usr/bin/sleep 1 &
	wait $!
	n=$((n + 1))
done
exit 0
