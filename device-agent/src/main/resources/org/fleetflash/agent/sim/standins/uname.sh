#!/bin/sh
# uname(1) stand-in: FreeBSD's fields and flags.
# shellcheck disable=SC2154 # sim_v is set by sim.subr's sim_line
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'
# the fault of an older FreeBSD: another release and kern.osreldate
[ -z "$FF_FAULT_RELEASE" ] || FF_SIM_RELEASE=$FF_FAULT_RELEASE
[ -z "$FF_FAULT_RELDATE" ] || FF_SIM_RELDATE=$FF_FAULT_RELDATE

all=0 m=0 n=0 p=0 r=0 s=0 v=0 i=0 k=0 u=0
while getopts :aiKmnoprsUv opt; do
	case $opt in
	a) all=1 ;;
	i) i=1 ;;
	K) k=1 ;;
	m) m=1 ;;
	n) n=1 ;;
	o | s) s=1 ;;
	p) p=1 ;;
	r) r=1 ;;
	U) u=1 ;;
	v) v=1 ;;
	*)
		sim_optfail "$opt"
		echo "usage: uname [-aiKmnoprsUv]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
	echo "usage: uname [-aiKmnoprsUv]" >&2
	exit 1
fi
if [ "$all" = 1 ]; then
	m=1 n=1 r=1 s=1 v=1
fi
if [ $((m + n + p + r + s + v + i + k + u)) = 0 ]; then
	s=1
fi
out=''
add() {
	if [ -n "$out" ]; then out="$out $1"; else out=$1; fi
}
[ "$s" = 1 ] && add FreeBSD
if [ "$n" = 1 ]; then
	sim_line "$FF_SIM/hostname"
	add "$sim_v"
fi
[ "$r" = 1 ] && add "$FF_SIM_RELEASE"
[ "$v" = 1 ] && add "$FF_SIM_VERSION"
[ "$m" = 1 ] && add "$FF_SIM_MACHINE"
[ "$p" = 1 ] && add "$FF_SIM_ARCH"
[ "$i" = 1 ] && add "$FF_SIM_IDENT"
[ "$k" = 1 ] && add "$FF_SIM_RELDATE"
[ "$u" = 1 ] && add "$FF_SIM_RELDATE"
printf '%s\n' "$out"
