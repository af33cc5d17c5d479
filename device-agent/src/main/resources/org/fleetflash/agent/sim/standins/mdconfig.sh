#!/bin/sh
# mdconfig(8) stand-in: memory disks taken from the simulated router's free RAM.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	cat >&2 <<'USAGE'
usage: mdconfig -a -t type [-n] [-o [no]option] ... [-f file]
                [-s size] [-S sectorsize] [-u unit] [-L label]
                [-x sectors/track] [-y heads/cylinder]
       mdconfig -d -u unit [-o [no]force]
       mdconfig -r -u unit -s size [-o [no]force]
       mdconfig -l [-v] [-n] [-f file] [-u unit]
       mdconfig file
		type = {malloc, vnode, swap}
		option = {cluster, compress, reserve, ro, readonly, async, force}
		size = %d (512 byte blocks), %db (B),
		       %dk (kB), %dm (MB), %dg (GB), 
		       %dt (TB), or %dp (PB)
USAGE
	exit 1
}

# unit ARG: the unit number of "N" or "mdN"; exits on anything else
unit() {
	u=${1#md}
	case $u in
	'' | *[!0-9]*) echo "mdconfig: unknown suffix on -u argument" >&2; exit 1 ;;
	esac
	printf '%s\n' "$u"
}

action='' type='' size='' want='' nflag=0
while getopts :adlrnvt:s:u:o:S:f:L:x:y: opt; do
	case $opt in
	a | d | l | r)
		[ -z "$action" ] || usage
		action=$opt
		;;
	n) nflag=1 ;;
	v) ;;
	t)
		case $OPTARG in
		malloc | swap) type=$OPTARG ;;
		vnode | null | preload)
			echo "mdconfig: the simulator only emulates -t malloc and -t swap" >&2
			exit 1
			;;
		*) usage ;;
		esac
		;;
	s)
		num=${OPTARG%[bkmgtpBKMGTP]}
		case $num in
		'' | *[!0-9]*) echo "mdconfig: Unknown suffix on -s argument" >&2; exit 1 ;;
		esac
		case $OPTARG in
		*[bB]) size=$num ;;
		*[kK]) size=$((num * 1024)) ;;
		*[mM]) size=$((num * 1048576)) ;;
		*[gG]) size=$((num * 1073741824)) ;;
		*[tTpP]) size=$((num * 1099511627776)) ;;
		*) size=$((num * 512)) ;;
		esac
		;;
	u) want=$(unit "$OPTARG") || exit 1 ;;
	o)
		case $OPTARG in
		reserve | noreserve | cluster | nocluster | compress | nocompress | async | noasync | force | noforce | ro | readonly) ;;
		*) echo "mdconfig: unknown option: $OPTARG" >&2; exit 1 ;;
		esac
		;;
	S | f | L | x | y) ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || usage
[ -n "$action" ] || usage
md=$FF_SIM/md

case $action in
l)
	list=$(/bin/ls "$md" | /usr/bin/awk '/^[0-9]+$/' | /usr/bin/sort -n | /usr/bin/awk -v n="$nflag" '{ printf "%s%s%s", (NR > 1 ? " " : ""), (n == 1 ? "" : "md"), $1 }')
	if [ -n "$want" ]; then
		[ -f "$md/$want" ] || { echo "mdconfig: ioctl(/dev/mdctl): No such file or directory" >&2; exit 1; }
		list=md$want
		[ "$nflag" = 1 ] && list=$want
	fi
	printf '%s\n' "$list"
	;;
a)
	[ -n "$type" ] || { echo "mdconfig: must specify -t" >&2; exit 1; }
	[ -n "$size" ] || { echo "mdconfig: must specify -s for -t malloc or -t swap" >&2; exit 1; }
	[ "$size" -gt 0 ] || { echo "mdconfig: ioctl(/dev/mdctl): Invalid argument" >&2; exit 1; }
	sim_lock
	if [ -n "$want" ]; then
		[ ! -f "$md/$want" ] || { echo "mdconfig: ioctl(/dev/mdctl): File exists" >&2; exit 1; }
		u=$want
	else
		u=0
		while [ -f "$md/$u" ] && [ "$u" -lt 1024 ]; do u=$((u + 1)); done
	fi
	pages=$(((size + FF_SIM_PAGESIZE - 1) / FF_SIM_PAGESIZE))
	free=$(/bin/cat "$FF_SIM/freepages")
	if [ "$FF_FAULT_TAKE_PAGES" -gt 0 ] 2>/dev/null && [ ! -f "$FF_SIM/fault.ram.spent" ]; then
		# fault: something else took RAM since the agent looked
		: >"$FF_SIM/fault.ram.spent"
		free=$((free > FF_FAULT_TAKE_PAGES ? free - FF_FAULT_TAKE_PAGES : 0))
		printf '%s\n' "$free" >"$FF_SIM/freepages"
	fi
	if [ "$pages" -gt "$free" ]; then
		echo "mdconfig: ioctl(/dev/mdctl): Cannot allocate memory" >&2
		exit 1
	fi
	printf '%s\n' $((free - pages)) >"$FF_SIM/freepages"
	printf '%s %s\n' "$type" "$size" >"$md/$u"
	: >"$FF_SIM_ROOT/dev/md$u"
	# the pause fault at mdconfig (docs/simulator.md): the memory disk is made, its name not printed yet (the state
	# lock released, as the kernel's would be)
	exec 9>&-
	sim_pause_deaf mdconfig
	if [ -z "$want" ]; then
		if [ "$nflag" = 1 ]; then echo "$u"; else echo "md$u"; fi
	fi
	;;
d)
	[ -n "$want" ] || { echo "mdconfig: must specify -u" >&2; exit 1; }
	sim_lock
	[ -f "$md/$want" ] || { echo "mdconfig: ioctl(/dev/mdctl): No such file or directory" >&2; exit 1; }
	if /usr/bin/awk -v d="/dev/md$want" '$1 == d { f = 1 } END { exit !f }' "$FF_SIM/mounts"; then
		echo "mdconfig: ioctl(/dev/mdctl): Device busy" >&2
		exit 1
	fi
	read -r _type size <"$md/$want"
	if [ ! -f "$md/$want.boot" ]; then
		free=$(/bin/cat "$FF_SIM/freepages")
		printf '%s\n' $((free + (size + FF_SIM_PAGESIZE - 1) / FF_SIM_PAGESIZE)) >"$FF_SIM/freepages"
	fi
	/bin/rm -rf "${md:?}/$want" "$md/$want.boot" "$md/$want.fs" "$md/$want.newfs" "$FF_SIM_ROOT/dev/md$want"
	;;
r)
	echo "mdconfig: the simulator does not emulate -r (resize)" >&2
	exit 1
	;;
esac
