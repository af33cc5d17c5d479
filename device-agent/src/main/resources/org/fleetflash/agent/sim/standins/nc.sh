#!/bin/sh
# nc(1) stand-in: the host's OpenBSD nc (as on FreeBSD), with UDP datagrams sent from the router's
# own loopback address (-s, unless given) and lost when the telemetry fault says so.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

udp=0 src=0
for a in "$@"; do
	case $a in
	--*) ;;
	-*u*) udp=1 ;;
	esac
	case $a in
	--*) ;;
	-*s) src=1 ;;
	esac
done
if [ "$udp" = 1 ] && sim_drop; then
	/bin/cat >/dev/null
	exit 0
fi
addr=''
[ -f "$FF_SIM/address" ] && read -r addr <"$FF_SIM/address"
if [ "$udp" = 1 ] && [ "$src" = 0 ] && [ -n "$addr" ]; then
	exec /usr/bin/nc -s "$addr" "$@"
fi
exec /usr/bin/nc "$@"
