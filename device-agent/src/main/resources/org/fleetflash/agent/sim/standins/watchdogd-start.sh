#!/bin/sh
# watchdogd(8) stand-in (/usr/sbin/watchdogd): starts the simulated watchdogd as a daemon, as FreeBSD's does
# (daemon(3): a new session, stdio on /dev/null, its pid in /var/run/watchdogd.pid), and returns at once.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

while getopts :dnSwe:I:s:t:x:T: opt; do
	case $opt in
	d | n | S | w | e | I | s | t | x | T) ;;
	*)
		sim_optfail "$opt"
		echo "usage: watchdogd [-dnSw] [-e cmd] [-I pidfile] [-s sleep] [-t timeout] [-T script_timeout] [-x exit_timeout]" >&2
		exit 1 ;;
	esac
done
pidfile=$FF_SIM_ROOT/var/run/watchdogd.pid
if [ -f "$pidfile" ] && read -r old <"$pidfile" && [ -n "$old" ] && kill -0 "$old" 2>/dev/null \
	&& ! /usr/bin/grep -q '^State:[[:space:]]*Z' "/proc/$old/status" 2>/dev/null; then
	echo "watchdogd: already running, pid: $old" >&2
	exit 1
fi
# the simulated daemon follows the simulator's JVM (FF_SIM_JVM, set by the SSH server), as the one the sandbox
# starts does: a router whose simulator is gone leaves nothing running
jvm=${FF_SIM_JVM:-}
case $jvm in
'' | *[!0-9]*)
	echo "watchdogd: (FleetFlash simulator) FF_SIM_JVM does not name the simulator's process" >&2
	exit 1 ;;
esac
: >"$FF_SIM/watchdogd.run"
/usr/bin/setsid /bin/sh "$FF_SIM/watchdogd.sh" "$jvm" </dev/null >/dev/null 2>&1 &
printf '%s\n' "$!" >"$pidfile"
exit 0
