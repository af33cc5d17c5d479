#!/bin/sh
# logger(1) stand-in with FreeBSD's flags: -h host -P port send an RFC 3164 datagram from the router's own
# loopback address (through the host's OpenBSD nc, which quits once it is sent); without -h the message goes to
# the router's log (sim/messages).
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

# The priority's number: facility * 8 + severity, from "facility.level" or a number (syslog(3)'s names).
prival() {
	case $1 in
	*[!0-9]* | '') ;;
	*) echo "$1"; return ;;
	esac
	f=1 l=5 fac=${1%%.*}
	case $fac in
	kern) f=0 ;; user) f=1 ;; mail) f=2 ;; daemon) f=3 ;; auth | security) f=4 ;; syslog) f=5 ;; lpr) f=6 ;;
	news) f=7 ;; uucp) f=8 ;; cron) f=9 ;; authpriv) f=10 ;; ftp) f=11 ;; ntp) f=12 ;;
	local[0-7]) f=$((16 + ${fac#local})) ;;
	esac
	case ${1#*.} in
	emerg | panic) l=0 ;; alert) l=1 ;; crit) l=2 ;; err | error) l=3 ;; warning | warn) l=4 ;; notice) l=5 ;;
	info) l=6 ;; debug) l=7 ;;
	esac
	echo $((f * 8 + l))
}

# emit MESSAGE: one log line to the remote host (unless the telemetry fault loses it) or the local log
emit() {
	if [ -n "$host" ]; then
		sim_drop && return 0
		src=''
		[ -f "$FF_SIM/address" ] && read -r src <"$FF_SIM/address"
		printf '<%s>%s %s %s: %s' "$(prival "$pri")" "$(LC_ALL=C /usr/bin/date '+%b %e %H:%M:%S')" \
			"$(/bin/cat "$FF_SIM/hostname")" "$tag" "$1" |
			/usr/bin/nc $ipv -u -q 0 ${src:+-s "$src"} "$host" "$port"
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
