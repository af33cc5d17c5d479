#!/bin/sh
# sysctl(8) stand-in: the OIDs a FreeBSD router upgrade reads, in "name: value" or -n form.
# shellcheck disable=SC2154 # sim_v is set by sim.subr's sim_line
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'
# the fault of an older FreeBSD: another release and kern.osreldate
[ -z "$FF_FAULT_RELEASE" ] || FF_SIM_RELEASE=$FF_FAULT_RELEASE
[ -z "$FF_FAULT_RELDATE" ] || FF_SIM_RELDATE=$FF_FAULT_RELDATE

usage() {
	echo "usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ..." >&2
	echo "       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a" >&2
	exit 1
}

# conftxt: kern.geom.conftxt in geom_dump.c format (DISK, its MAP providers newest first, MDs)
conftxt() {
	printf '0 DISK %s %s %s hd 0 sc 0\n' "$FF_SIM_FLASHDEV" "$FF_SIM_FLASHSIZE" "$FF_SIM_SECTOR"
	maps=''
	while read -r idx name off len _rest; do
		line="1 MAP map/$name $len $FF_SIM_SECTOR i $idx o $off entry 0 dsize $len"
		if [ "$name" = "$FF_SIM_ROOTPART" ] && [ -n "$FF_SIM_ROOTDEV" ]; then
			line="$line
2 UNCOMPRESS $FF_SIM_ROOTDEV $FF_SIM_UNCOMPSIZE 512"
		fi
		maps="$line
$maps"
	done <"$FF_SIM/partitions"
	printf '%s' "$maps"
	# the memory disks, newest (highest unit) first
	units=''
	for f in "$FF_SIM/md"/*; do
		f=${f##*/}
		case $f in
		'' | *[!0-9]*) continue ;;
		esac
		units="$f $units"
	done
	for f in $units; do
		read -r type size <"$FF_SIM/md/$f"
		printf '0 MD md%s %s 512 u %s s 512 f 0 fs 0 l %s t %s\n' "$f" "$size" "$f" "$size" "$type"
	done
}

# confxml: kern.geom.confxml, a <mesh> with the DISK, MAP and UNCOMPRESS classes
confxml() {
	/usr/bin/awk -v dev="$FF_SIM_FLASHDEV" -v size="$FF_SIM_FLASHSIZE" -v sec="$FF_SIM_SECTOR" \
		-v eb="$FF_SIM_ERASE" -v rootpart="$FF_SIM_ROOTPART" -v rootdev="$FF_SIM_ROOTDEV" -v usize="$FF_SIM_UNCOMPSIZE" '
		function prov(id, geom, mode, nm, ms, cfg) {
			printf "      <provider id=\"0x%x\">\n        <geom ref=\"0x%x\"/>\n        <mode>%s</mode>\n", id, geom, mode
			printf "        <name>%s</name>\n        <mediasize>%s</mediasize>\n        <sectorsize>%s</sectorsize>\n", nm, ms, sec
			printf "        <stripesize>%s</stripesize>\n        <stripeoffset>0</stripeoffset>\n", eb
			printf "        <config>\n%s        </config>\n      </provider>\n", cfg
		}
		{ n++; idx[n] = $1; name[n] = $2; off[n] = $3; len[n] = $4 }
		END {
			base = 3284140032
			print "<mesh>"
			printf "  <class id=\"0x%x\">\n    <name>DISK</name>\n", base
			printf "    <geom id=\"0x%x\">\n      <class ref=\"0x%x\"/>\n      <name>%s</name>\n      <rank>1</rank>\n", base + 256, base, dev
			prov(base + 512, base + 256, "r1w0e2", dev, size, "          <fwheads>0</fwheads>\n          <fwsectors>0</fwsectors>\n")
			print "    </geom>\n  </class>"
			printf "  <class id=\"0x%x\">\n    <name>MAP</name>\n", base + 4096
			printf "    <geom id=\"0x%x\">\n      <class ref=\"0x%x\"/>\n      <name>%s</name>\n      <rank>2</rank>\n", base + 4352, base + 4096, dev
			printf "      <consumer id=\"0x%x\">\n        <geom ref=\"0x%x\"/>\n        <provider ref=\"0x%x\"/>\n        <mode>r1w0e2</mode>\n      </consumer>\n", base + 4608, base + 4352, base + 512
			for (i = n; i >= 1; i--) {
				cfg = sprintf("          <index>%s</index>\n          <length>%s</length>\n          <seclength>%d</seclength>\n          <offset>%s</offset>\n          <secoffset>%d</secoffset>\n          <entry>0</entry>\n          <dsize>%s</dsize>\n", idx[i], len[i], len[i] / sec, off[i], off[i] / sec, len[i])
				prov(base + 8192 + i * 256, base + 4352, name[i] == rootpart ? "r1w0e1" : "r0w0e0", "map/" name[i], len[i], cfg)
			}
			print "    </geom>\n  </class>"
			if (rootdev != "") {
				printf "  <class id=\"0x%x\">\n    <name>UNCOMPRESS</name>\n", base + 16384
				printf "    <geom id=\"0x%x\">\n      <class ref=\"0x%x\"/>\n      <name>%s</name>\n      <rank>3</rank>\n", base + 16640, base + 16384, rootdev
				prov(base + 16896, base + 16640, "r1w0e0", rootdev, usize, "")
				print "    </geom>\n  </class>"
			}
			print "</mesh>"
		}' "$FF_SIM/partitions"
}

# value NAME: sets v to the value of an OID (without a subshell: the agent reads its facts one sysctl at a time);
# status 1 if unknown
value() {
	case $1 in
	hw.physmem | hw.realmem) v=$FF_SIM_PHYSMEM ;;
	hw.usermem) v=$FF_SIM_USERMEM ;;
	hw.pagesize) v=$FF_SIM_PAGESIZE ;;
	hw.model) v=$FF_SIM_HWMODEL ;;
	hw.machine) v=$FF_SIM_MACHINE ;;
	hw.machine_arch) v=$FF_SIM_ARCH ;;
	hw.ncpu) v=1 ;;
	kern.ostype) v=FreeBSD ;;
	kern.osrelease) v=$FF_SIM_RELEASE ;;
	kern.osreldate) v=$FF_SIM_RELDATE ;;
	kern.version) v=$FF_SIM_VERSION ;;
	kern.hostname) sim_line "$FF_SIM/hostname"; v=$sim_v ;;
	# free RAM in pages: the profile's figure minus memory disks created since boot
	vm.stats.vm.v_free_count) sim_line "$FF_SIM/freepages"; v=$sim_v ;;
	vm.stats.vm.v_page_count) v=$((FF_SIM_PHYSMEM / FF_SIM_PAGESIZE)) ;;
	kern.geom.conftxt) v=$(conftxt) ;;
	kern.geom.confxml) v=$(confxml) ;;
	kern.geom.debugflags) sim_line "$FF_SIM/debugflags"; v=$sim_v ;;
	*) return 1 ;;
	esac
}

OIDS="hw.machine hw.model hw.ncpu hw.physmem hw.usermem hw.realmem hw.pagesize hw.machine_arch kern.ostype kern.osrelease kern.version kern.hostname kern.osreldate kern.geom.debugflags kern.geom.conftxt kern.geom.confxml vm.stats.vm.v_page_count vm.stats.vm.v_free_count"

nflag=0 qflag=0 aflag=0
while getopts :aNnqe opt; do
	case $opt in
	a) aflag=1 ;;
	n) nflag=1 ;;
	q) qflag=1 ;;
	N | e) ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
if [ $# = 0 ]; then
	[ "$aflag" = 1 ] || usage
	# shellcheck disable=SC2086
	set -- $OIDS
fi

warn=0
for arg in "$@"; do
	case $arg in
	*=*)
		name=${arg%%=*} new=${arg#*=}
		if ! value "$name"; then
			[ "$qflag" = 1 ] || echo "sysctl: unknown oid '$name'" >&2
			warn=$((warn + 1))
		elif [ "$name" != kern.geom.debugflags ]; then
			echo "sysctl: oid '$name' is read only" >&2
			warn=$((warn + 1))
		else
			old=$v
			case $new in
			'' | *[!0-9]*)
				echo "sysctl: invalid integer '$new'" >&2
				warn=$((warn + 1))
				continue
				;;
			esac
			printf '%s\n' "$new" >"$FF_SIM/debugflags"
			if [ "$nflag" = 1 ]; then
				printf '%s -> %s\n' "$old" "$new"
			else
				printf '%s: %s -> %s\n' "$name" "$old" "$new"
			fi
		fi
		;;
	*)
		if ! value "$arg"; then
			[ "$qflag" = 1 ] || echo "sysctl: unknown oid '$arg'" >&2
			warn=$((warn + 1))
			continue
		fi
		val=$v
		case $arg in
		kern.geom.conftxt | kern.geom.confxml) val="$val
" ;;
		esac
		if [ "$nflag" = 1 ]; then
			printf '%s\n' "$val"
		else
			printf '%s: %s\n' "$arg" "$val"
		fi
		;;
	esac
done
exit "$warn"
