#!/bin/sh
# logger(1) stand-in with FreeBSD's flags: -h host -P port send an RFC 3164 datagram (through
# util-linux logger); without -h the message goes to the router's log (sim/messages).
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

host='' port=514 tag=${USER:-root} pri=user.notice file='' ipv=
while getopts :46Aif:h:P:p:st:S: opt; do
	case $opt in
	4) ipv=-4 ;;
	6) ipv=-6 ;;
	h) host=$OPTARG ;;
	P) port=$OPTARG ;;
	p) pri=$OPTARG ;;
	t) tag=$OPTARG ;;
	f) file=$OPTARG ;;
	A | i | s | S) ;;
	*)
		sim_optfail "$opt"
		echo "usage: logger: [-46Ais] [-f file] [-h host] [-P port] [-p pri] [-t tag] [message ...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))

# emit MESSAGE: one log line to the remote host (unless the telemetry fault loses it) or the local log
emit() {
	if [ -n "$host" ]; then
		sim_drop && return 0
		/usr/bin/logger $ipv --rfc3164 -d -n "$host" -P "$port" -p "$pri" -t "$tag" -- "$1"
	else
		printf '%s %s %s: %s\n' "$(/usr/bin/date '+%b %e %H:%M:%S')" "$(/bin/cat "$FF_SIM/hostname")" "$tag" "$1" >>"$FF_SIM/messages"
	fi
}

if [ $# -gt 0 ]; then
	emit "$*"
elif [ -n "$file" ]; then
	while IFS='' read -r line; do emit "$line"; done <"$(sim_hpath "$file")"
else
	while IFS='' read -r line; do emit "$line"; done
fi
