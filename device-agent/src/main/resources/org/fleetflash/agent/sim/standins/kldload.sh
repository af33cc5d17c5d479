#!/bin/sh
# kldload(8) stand-in: tmpfs is "in the kernel" on profiles that have it, missing otherwise.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

while getopts :nqv opt; do
	case $opt in
	n | q | v) ;;
	*)
		sim_optfail "$opt"
		echo "usage: kldload [-nqv] file ..." >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: kldload [-nqv] file ..." >&2; exit 1; }
status=0
for m in "$@"; do
	case ${m%.ko} in
	tmpfs)
		if [ "$FF_SIM_TMPFS" = yes ]; then
			echo "kldload: can't load $m: module already loaded or in kernel" >&2
		else
			echo "kldload: can't load $m: No such file or directory" >&2
		fi
		status=1
		;;
	*)
		echo "kldload: can't load $m: No such file or directory" >&2
		status=1
		;;
	esac
done
exit "$status"
