#!/bin/sh
# sha256(1)/md5(1) stand-in (sbin/md5): "SHA256 (file) = hex", -q digest only, -r reversed.
# Installed twice; the name it is called by picks the algorithm.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

case ${0##*/} in
md5) algo=MD5 tool=/usr/bin/md5sum ;;
*) algo=SHA256 tool=/usr/bin/sha256sum ;;
esac
prog=$(printf '%s' "$algo" | /usr/bin/tr '[:upper:]' '[:lower:]')

qflag=0 rflag=0 str=''
while getopts :pqrs:t opt; do
	case $opt in
	q) qflag=1 ;;
	r) rflag=1 ;;
	s) str=$OPTARG ;;
	p | t) ;;
	*)
		sim_optfail "$opt"
		echo "usage: $prog [-pqrtx] [-c string] [-s string] [files ...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))

if [ -n "$str" ]; then
	h=$(printf '%s' "$str" | $tool | /usr/bin/cut -d' ' -f1)
	if [ "$qflag" = 1 ]; then echo "$h"; elif [ "$rflag" = 1 ]; then echo "$h \"$str\""; else echo "$algo (\"$str\") = $h"; fi
	exit 0
fi
if [ $# = 0 ]; then
	$tool | /usr/bin/cut -d' ' -f1
	exit 0
fi
status=0
for arg in "$@"; do
	# names are printed as the router would print them (without the sandbox prefix)
	f=$(sim_rpath "$arg")
	case $arg in
	/* | "$FF_SIM_ROOT"*) ;;
	*) f=$arg ;;
	esac
	host=$(sim_hpath "$arg")
	if [ ! -r "$host" ] || [ -d "$host" ]; then
		if [ -d "$host" ]; then
			echo "$prog: $f: Is a directory" >&2
		else
			echo "$prog: $f: No such file or directory" >&2
		fi
		status=1
		continue
	fi
	h=$($tool <"$host" | /usr/bin/cut -d' ' -f1)
	if [ "$qflag" = 1 ]; then
		echo "$h"
	elif [ "$rflag" = 1 ]; then
		echo "$h $f"
	else
		echo "$algo ($f) = $h"
	fi
done
exit "$status"
