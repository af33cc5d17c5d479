#!/bin/sh
# newfs(8) stand-in: "formats" a memory disk (gives it an empty backing directory) and prints
# FreeBSD's summary for its size.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	echo "usage: newfs [ -fsoptions ] special-device" >&2
	exit 1
}

soft=0 minfree=8
while getopts :EJNUlnta:b:c:d:e:f:g:h:i:k:L:m:o:p:r:S:s:T: opt; do
	case $opt in
	U) soft=1 ;;
	m) minfree=$OPTARG ;;
	o)
		case $OPTARG in
		space | time) ;;
		*) echo "newfs: $OPTARG: unknown optimization preference: use \`space' or \`time'" >&2; exit 1 ;;
		esac
		;;
	E | J | N | l | n | t | a | b | c | d | e | f | g | h | i | k | L | p | r | S | s | T) ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || usage
case $minfree in
'' | *[!0-9]*) echo "newfs: illegal minimum free space percentage $minfree" >&2; exit 1 ;;
esac

# like newfs, a bare "md2" means /dev/md2
case $1 in
md[0-9]*) dev=/dev/$1 ;;
*) dev=$(sim_rpath "$1") ;;
esac
case $dev in
/dev/md[0-9]*) ;;
*)
	echo "newfs: $dev: the simulator only formats memory disks (/dev/mdN)" >&2
	exit 1
	;;
esac
u=${dev##*/md}
[ -f "$FF_SIM/md/$u" ] || { echo "newfs: /dev/md$u: could not find special device" >&2; exit 1; }
if /usr/bin/awk -v d="/dev/md$u" '$1 == d { f = 1 } END { exit !f }' "$FF_SIM/mounts"; then
	echo "newfs: /dev/md$u: Device busy" >&2
	exit 1
fi
read -r _type size <"$FF_SIM/md/$u"
sim_lock
/bin/rm -rf "$FF_SIM/md/$u.fs"
/bin/mkdir "$FF_SIM/md/$u.fs"
: >"$FF_SIM/md/$u.newfs"

/usr/bin/awk -v dev="/dev/md$u" -v size="$size" -v su="$soft" 'BEGIN {
	bsize = 32768; sectors = int(size / 512); blocks = size / bsize
	ncg = 4; if (blocks < 64) ncg = 1
	cgblks = int((blocks + ncg - 1) / ncg); if (cgblks * ncg < blocks) cgblks++
	inodes = int((cgblks * bsize / 8192 + 63) / 64) * 64
	printf "%s: %.1fMB (%d sectors) block size %d, fragment size %d\n", dev, size / 1048576, sectors, bsize, 4096
	printf "\tusing %d cylinder groups of %.2fMB, %d blks, %d inodes.\n", ncg, cgblks * bsize / 1048576, cgblks, inodes
	if (su == 1) printf "\twith soft updates\n"
	printf "super-block backups (for fsck_ffs -b #) at:\n"
	line = ""
	for (i = 0; i < ncg; i++) line = line (i ? ", " : " ") (192 + i * cgblks * 64)
	print line
}'
