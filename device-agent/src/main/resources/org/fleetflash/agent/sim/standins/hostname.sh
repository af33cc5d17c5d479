#!/bin/sh
# hostname(1) stand-in: prints or sets the router's host name (-s: up to the first dot).
# shellcheck disable=SC2154 # sim_v is set by sim.subr's sim_line
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

short=0
while getopts :fs opt; do
	case $opt in
	f) short=0 ;;
	s) short=1 ;;
	*)
		sim_optfail "$opt"
		echo "usage: hostname [-fs] [name-of-host]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -gt 1 ]; then
	echo "usage: hostname [-fs] [name-of-host]" >&2
	exit 1
fi
if [ $# = 1 ]; then
	printf '%s\n' "$1" >"$FF_SIM/hostname"
	exit 0
fi
sim_line "$FF_SIM/hostname"
h=$sim_v
if [ "$short" = 1 ]; then
	h=${h%%.*}
fi
printf '%s\n' "$h"
