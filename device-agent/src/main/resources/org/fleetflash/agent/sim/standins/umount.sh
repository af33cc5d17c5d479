#!/bin/sh
# umount(8) stand-in: undoes a mount made by the mount stand-in (restores the mount point).
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	echo "usage: umount [-fNnv] special ... | node ... | fsid ..." >&2
	echo "       umount -a | -A [-F fstab] [-fnv] [-h host] [-t type]" >&2
	exit 1
}

while getopts :fNnvaA opt; do
	case $opt in
	f | N | n | v) ;;
	a | A) echo "umount: the simulator does not emulate -a/-A" >&2; exit 1 ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage

status=0
for arg in "$@"; do
	name=$(sim_rpath "$arg")
	sim_lock
	line=$(/usr/bin/awk -v d="$name" '($2 == d || $1 == d) && $5 != "-" { l = $0 } END { if (l == "") exit 1; print l }' "$FF_SIM/mounts") || {
		case $name in
		/dev/*) echo "umount: $name: unknown file system" >&2 ;;
		*) echo "umount: $name: not a file system root directory" >&2 ;;
		esac
		status=1
		continue
	}
	# shellcheck disable=SC2086
	set -- $line
	host=$FF_SIM_ROOT$2
	if [ -L "$host" ]; then
		/bin/rm -f "$host"
	else
		/bin/rm -rf "$host"
	fi
	/bin/mv "$FF_SIM/mnt/$5" "$host"
	/usr/bin/awk -v d="$2" '$2 != d' "$FF_SIM/mounts" >"$FF_SIM/mounts.new" && /bin/mv "$FF_SIM/mounts.new" "$FF_SIM/mounts"
done
exit "$status"
