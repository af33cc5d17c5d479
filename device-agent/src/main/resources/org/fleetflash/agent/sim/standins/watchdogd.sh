#!/bin/sh
# The simulated watchdogd: a long-lived process whose pid is in /var/run/watchdogd.pid.
# SIGTERM/SIGINT disarm the watchdog (recorded in sim/watchdog); SIGKILL leaves it armed, as on
# FreeBSD. It exits by itself when the JVM that started it (its parent, or the pid given as $1) is gone.
FF_SIM='@FF_SIM_DIR@'

# shellcheck disable=SC2317
disarm() {
	# the pause fault at watchdogd (docs/simulator.md): stop here, once, while the test holds sim/pause.watchdogd
	# (at most 3600 naps of 0.05 s: longer than the agent waits for a watchdogd to stop, so that a pause never
	# released is a stuck watchdogd)
	FF_FAULT_PAUSE_AT=''
	if [ -f "$FF_SIM/faults" ]; then
		# shellcheck source=/dev/null
		. "$FF_SIM/faults"
	fi
	if [ "$FF_FAULT_PAUSE_AT" = watchdogd ] && [ ! -e "$FF_SIM/fault.pause.spent" ]; then
		: >"$FF_SIM/fault.pause.spent"
		: >"$FF_SIM/pause.watchdogd"
		k=0
		while [ -e "$FF_SIM/pause.watchdogd" ] && [ "$k" -lt 3600 ]; do
			/usr/bin/sleep 0.05
			k=$((k + 1))
		done
		/bin/rm -f "$FF_SIM/pause.watchdogd"
	fi
	printf 'disarmed %s\n' "$(/usr/bin/date +%s)" >"$FF_SIM/watchdog"
	/bin/rm -f "$FF_SIM/watchdogd.run"
	[ -z "$nap" ] || kill "$nap" 2>/dev/null
	exit 0
}
trap disarm TERM INT
# a daemon: a session's hangup is not for it
trap '' HUP
printf 'armed %s\n' "$(/usr/bin/date +%s)" >"$FF_SIM/watchdog"
parent=${1:-$PPID}
nap=''
# bounded: at most 30 days of ten-second naps, and only while the parent lives and the sandbox wants it. A signal
# ends the wait at once (the traps above); a nap of one second made a fleet of 200 simulated routers start 200
# processes a second, all at the same instant.
n=0
while [ "$n" -lt 259200 ] && kill -0 "$parent" 2>/dev/null && [ -f "$FF_SIM/watchdogd.run" ]; do
	/usr/bin/sleep 10 &
	nap=$!
	wait "$nap"
	nap=''
	n=$((n + 1))
done
exit 0
