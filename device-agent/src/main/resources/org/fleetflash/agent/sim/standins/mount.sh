#!/bin/sh
# mount(8) stand-in: lists the mount table in FreeBSD's format, mounts tmpfs (when the kernel
# has it) and newfs'd memory disks. A mount point becomes a symlink to the memory disk's backing
# directory (or a fresh directory for tmpfs); umount restores the original directory.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	echo "usage: mount [-adflpruvw] [-F fstab] [-o options] [-t ufs | external_type]" >&2
	echo "       mount [-dfpruvw] special | node" >&2
	echo "       mount [-dfpruvw] [-o options] [-t ufs | external_type] special node" >&2
	exit 1
}

# list: the mount table as "DEV on DIR (TYPE, OPT, ...)"
list() {
	/usr/bin/awk '{ o = ""; n = split($4, a, ","); for (i = 1; i <= n; i++) if (a[i] != "-") o = o ", " a[i]
		printf "%s on %s (%s%s)\n", $1, $2, $3, o }' "$FF_SIM/mounts"
}

fstype=ufs opts='' update=0 rw=0
while getopts :adflpruvwF:o:t: opt; do
	case $opt in
	t) fstype=$OPTARG ;;
	o) opts=${opts:+$opts,}$OPTARG ;;
	r) opts=${opts:+$opts,}ro ;;
	u) update=1 ;;
	w) rw=1 ;;
	a | d | f | l | p | v | F) ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))

if [ $# = 0 ]; then
	[ "$update" = 0 ] || usage
	list
	exit 0
fi

ro=0
case ",$opts," in
*,ro,* | *,rdonly,*) ro=1 ;;
esac
[ "$rw" = 1 ] && ro=0

if [ "$update" = 1 ]; then
	[ $# = 1 ] || usage
	node=$(sim_rpath "$1")
	sim_lock
	/usr/bin/awk -v d="$node" -v ro="$ro" '
		$2 == d { f = 1; o = ""; n = split($4, a, ","); for (i = 1; i <= n; i++) if (a[i] != "read-only") o = o (o ? "," : "") a[i]
			if (ro == 1) o = o (o ? "," : "") "read-only"; if (o == "") o = "-"; $4 = o }
		{ print } END { exit !f }' "$FF_SIM/mounts" >"$FF_SIM/mounts.new" || {
		/bin/rm -f "$FF_SIM/mounts.new"
		echo "mount: $node: unknown special file or file system" >&2
		exit 1
	}
	/bin/mv "$FF_SIM/mounts.new" "$FF_SIM/mounts"
	exit 0
fi

[ $# = 2 ] || usage
special=$1
node=$(sim_rpath "$2")
host=$FF_SIM_ROOT$node
[ "$node" != / ] || { echo "mount: /: Device busy" >&2; exit 1; }

case $fstype in
tmpfs)
	if [ "$FF_SIM_TMPFS" != yes ]; then
		echo "mount: $special: Operation not supported by device" >&2
		exit 1
	fi
	dev=tmpfs
	;;
ufs)
	case $special in
	md[0-9]*) dev=/dev/$special ;;
	*) dev=$(sim_rpath "$special") ;;
	esac
	case $dev in
	/dev/md[0-9]*) ;;
	*)
		echo "mount: $special: the simulator only mounts memory disks (/dev/mdN) and tmpfs" >&2
		exit 1
		;;
	esac
	u=${dev#/dev/md}
	[ -f "$FF_SIM/md/$u" ] || { echo "mount: $dev: No such file or directory" >&2; exit 1; }
	[ -f "$FF_SIM/md/$u.newfs" ] || { echo "mount: $dev: Invalid argument" >&2; exit 1; }
	;;
*)
	echo "mount: $special: Operation not supported by device" >&2
	exit 1
	;;
esac

[ -d "$host" ] || { echo "mount: $node: No such file or directory" >&2; exit 1; }
if [ "$dev" != tmpfs ]; then
	# the pause fault at mount (docs/simulator.md): a memory disk checked and not mounted yet, as a mount(2) under way
	sim_pause_deaf mount
fi
sim_lock
if /usr/bin/awk -v d="$node" -v s="$dev" '$2 == d || ($1 == s && s != "tmpfs") { f = 1 } END { exit !f }' "$FF_SIM/mounts"; then
	echo "mount: $dev: Device busy" >&2
	exit 1
fi
n=0
while [ -e "$FF_SIM/mnt/$n" ] && [ "$n" -lt 10000 ]; do n=$((n + 1)); done
/bin/mkdir -p "$FF_SIM/mnt"
/bin/mv "$host" "$FF_SIM/mnt/$n" || exit 1
if [ "$dev" = tmpfs ]; then
	/bin/mkdir "$host"
	o=local
else
	/bin/ln -s "$FF_SIM/md/$u.fs" "$host"
	o=local
fi
[ "$ro" = 1 ] && o=$o,read-only
printf '%s %s %s %s %s\n' "$dev" "$node" "$fstype" "$o" "$n" >>"$FF_SIM/mounts"
