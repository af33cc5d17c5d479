#!/bin/sh
# dd(1) stand-in: FreeBSD operands and summary. "$FF_ROOT/dev/map/<name>" is a GEOM_MAP partition
# of the flash file: I/O lands at the partition's offset; past its end is EINVAL, a write that is
# not erase-block aligned is EIO (mx25l), a write to a readonly=1 hint partition is EPERM at open.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

GNUDD=/usr/bin/dd
start=$(sim_now)
ifile='' ofile='' bs='' ibs=512 obs=512 skip=0 seek=0 count='' csync=0 cnotrunc=0 cosync=0 status=''

# num OPERAND VALUE: FreeBSD get_num(): a number with an optional b/k/m/g/w suffix, x products
num() {
	v=$2
	r=1
	old_ifs=$IFS
	IFS=x
	for f in $v; do
		n=${f%[bkmgwBKMGW]}
		case $n in
		'' | *[!0-9]*) IFS=$old_ifs; echo "dd: $1: illegal numeric value" >&2; exit 1 ;;
		esac
		case $f in
		*[bB]) n=$((n * 512)) ;;
		*[kK]) n=$((n * 1024)) ;;
		*[mM]) n=$((n * 1048576)) ;;
		*[gG]) n=$((n * 1073741824)) ;;
		*[wW]) n=$((n * 4)) ;;
		esac
		r=$((r * n))
	done
	IFS=$old_ifs
	echo "$r"
}

for op in "$@"; do
	case $op in
	if=*) ifile=${op#if=} ;;
	of=*) ofile=${op#of=} ;;
	bs=*) bs=$(num bs "${op#bs=}") || exit 1 ;;
	ibs=*) ibs=$(num ibs "${op#ibs=}") || exit 1 ;;
	obs=*) obs=$(num obs "${op#obs=}") || exit 1 ;;
	skip=* | iseek=*) skip=$(num skip "${op#*=}") || exit 1 ;;
	seek=* | oseek=*) seek=$(num seek "${op#*=}") || exit 1 ;;
	count=*) count=$(num count "${op#count=}") || exit 1 ;;
	status=*)
		status=${op#status=}
		case $status in
		noxfer | none | progress) ;;
		*) echo "dd: unknown status $status" >&2; exit 1 ;;
		esac
		;;
	conv=*)
		old_ifs=$IFS
		IFS=,
		for c in ${op#conv=}; do
			case $c in
			sync) csync=1 ;;
			notrunc) cnotrunc=1 ;;
			osync) cosync=1 ;;
			noerror | fsync | fdatasync) ;;
			*) IFS=$old_ifs; echo "dd: unknown conversion $c" >&2; exit 1 ;;
			esac
		done
		IFS=$old_ifs
		;;
	*=*) echo "dd: unknown operand ${op%%=*}" >&2; exit 1 ;;
	*) echo "dd: unknown operand $op" >&2; exit 1 ;;
	esac
done
if [ -n "$bs" ]; then
	ibs=$bs obs=$bs
fi
if [ "$ibs" -le 0 ] || [ "$obs" -le 0 ]; then
	echo "dd: buffer sizes cannot be zero" >&2
	exit 1
fi

tmp=$FF_SIM/tmp/dd.$$
/bin/rm -rf "$tmp"
/bin/mkdir -p "$tmp" || exit 1
trap '/bin/rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

in_full=0 in_part=0 out_full=0 out_part=0 out_bytes=0

# summary: FreeBSD's three summary lines on stderr
summary() {
	[ "$status" = none ] && return 0
	printf '%s+%s records in\n%s+%s records out\n' "$in_full" "$in_part" "$out_full" "$out_part" >&2
	[ "$status" = noxfer ] && return 0
	/usr/bin/awk -v s="$start" -v e="$(sim_now)" -v b="$out_bytes" 'BEGIN {
		t = e - s; if (t < 0.000001) t = 0.000001
		printf "%d bytes transferred in %.6f secs (%.0f bytes/sec)\n", b, t, b / t }' >&2
}

# mapname PATH: the partition name when PATH is /dev/map/<name> on the router
mapname() {
	case $(sim_rpath "$1") in
	/dev/map/*) printf '%s\n' "${1##*/}" ;;
	*) return 1 ;;
	esac
}

# ---- input: stage the bytes dd would read into $tmp/in ----
if [ -z "$ifile" ]; then
	if [ -n "$count" ]; then
		$GNUDD of="$tmp/in" bs=65536 iflag=skip_bytes,count_bytes,fullblock skip=$((skip * ibs)) count=$((count * ibs)) status=none || exit 1
	else
		$GNUDD of="$tmp/in" bs=65536 iflag=skip_bytes skip=$((skip * ibs)) status=none || exit 1
	fi
elif iname=$(mapname "$ifile"); then
	rname=/dev/map/$iname
	part=$(sim_part "$iname") || { echo "dd: $rname: No such file or directory" >&2; exit 1; }
	# shellcheck disable=SC2086
	set -- $part
	poff=$2 psize=$3
	from=$((skip * ibs))
	if [ -n "$count" ]; then want=$((count * ibs)); else want=$((psize - from)); fi
	if [ $((ibs % FF_SIM_SECTOR)) != 0 ] || [ "$from" -gt "$psize" ] || [ $((from + want)) -gt "$psize" ] || [ $((want % ibs)) != 0 ]; then
		echo "dd: $rname: Invalid argument" >&2
		summary
		exit 1
	fi
	$GNUDD if="$FF_SIM_FLASH" of="$tmp/in" bs=65536 iflag=skip_bytes,count_bytes skip=$((poff + from)) count="$want" status=none || exit 1
	sim_throttle "$want" "$FF_SIM_READBPS"
else
	host=$(sim_hpath "$ifile")
	if [ ! -e "$host" ]; then
		echo "dd: $(sim_rpath "$ifile"): No such file or directory" >&2
		exit 1
	fi
	if [ -n "$count" ]; then
		$GNUDD if="$host" of="$tmp/in" bs=65536 iflag=skip_bytes,count_bytes,fullblock skip=$((skip * ibs)) count=$((count * ibs)) status=none || exit 1
	else
		$GNUDD if="$host" of="$tmp/in" bs=65536 iflag=skip_bytes skip=$((skip * ibs)) status=none || exit 1
	fi
fi
len=$(sim_size "$tmp/in")
in_full=$((len / ibs))
[ $((len % ibs)) = 0 ] || in_part=1
if [ "$csync" = 1 ] && [ "$in_part" = 1 ]; then
	/usr/bin/head -c $((ibs - len % ibs)) /dev/zero >>"$tmp/in"
	len=$(sim_size "$tmp/in")
fi

# ---- output plan: chunks of blk bytes, the last one maybe short ----
if [ -n "$bs" ]; then blk=$bs; else blk=$obs; fi
if [ -z "$bs" ] && [ "$cosync" = 1 ] && [ $((len % blk)) != 0 ]; then
	/usr/bin/head -c $((blk - len % blk)) /dev/zero >>"$tmp/in"
	len=$(sim_size "$tmp/in")
fi
chunks_full=$((len / blk))
last=$((len % blk))
base=$((seek * obs))

if [ -z "$ofile" ]; then
	/bin/cat "$tmp/in" || exit 1
	out_full=$chunks_full out_bytes=$len
	[ "$last" = 0 ] || out_part=1
elif oname=$(mapname "$ofile"); then
	rname=/dev/map/$oname
	part=$(sim_part "$oname") || { echo "dd: $rname: No such file or directory" >&2; exit 1; }
	# shellcheck disable=SC2086
	set -- $part
	poff=$2 psize=$3 pro=$4
	if [ "$pro" = 1 ]; then
		echo "dd: $rname: Operation not permitted" >&2
		exit 1
	fi
	# find the first chunk the driver would refuse, and why
	good=$chunks_full err=''
	i=0
	nchunks=$chunks_full
	[ "$last" = 0 ] || nchunks=$((chunks_full + 1))
	while [ "$i" -lt "$nchunks" ]; do
		o=$((base + i * blk))
		if [ "$i" -lt "$chunks_full" ]; then l=$blk; else l=$last; fi
		if [ $((o % FF_SIM_SECTOR)) != 0 ] || [ $((l % FF_SIM_SECTOR)) != 0 ] || [ $((o + l)) -gt "$psize" ]; then
			err="Invalid argument"
		elif [ $((o % FF_SIM_ERASE)) != 0 ] || [ $((l % FF_SIM_ERASE)) != 0 ]; then
			err="Input/output error"
		fi
		if [ -n "$err" ]; then
			good=$i
			break
		fi
		# all full chunks share the same alignment: checking the first and the last is enough
		if [ "$i" = 0 ] && [ "$chunks_full" -gt 2 ]; then i=$((chunks_full - 1)); else i=$((i + 1)); fi
	done
	if [ -n "$err" ]; then
		# the chunks before the failing one are full and valid: the driver wrote them
		i=0
		while [ "$i" -lt "$good" ]; do
			o=$((base + i * blk))
			if [ $((o + blk > psize)) = 1 ] || [ $((o % FF_SIM_ERASE)) != 0 ] || [ $((blk % FF_SIM_ERASE)) != 0 ]; then
				good=$i
				break
			fi
			i=$((i + 1))
		done
		nbytes=$((good * blk))
	else
		nbytes=$len
	fi
	if [ "$nbytes" -gt 0 ] && [ -n "$FF_FAULT_POWER_BLOCK$FF_FAULT_WRITE_FAIL_FROM" ] && [ -f "$FF_SIM/stage" ]; then
		# faults count the erase blocks written since the reroot
		sim_lock
		before=0
		[ -f "$FF_SIM/flashwrites" ] && before=$(/bin/cat "$FF_SIM/flashwrites")
		nblk=$(((nbytes + FF_SIM_ERASE - 1) / FF_SIM_ERASE))
		printf '%s\n' $((before + nblk)) >"$FF_SIM/flashwrites"
		if [ -n "$FF_FAULT_WRITE_FAIL_FROM" ] && [ $((before + nblk)) -ge "$FF_FAULT_WRITE_FAIL_FROM" ]; then
			# fault: a worn-out flash, every write from block K on fails
			echo "dd: $rname: Input/output error" >&2
			out_bytes=0 out_full=0
			summary
			exit 1
		fi
		# fault: the power fails during the K-th erase-block write after the reroot, half-way through it
		k=$((${FF_FAULT_POWER_BLOCK:-0} - before))
		if [ "$k" -ge 1 ] && [ "$k" -le "$nblk" ]; then
			cutbytes=$(((k - 1) * FF_SIM_ERASE + FF_SIM_ERASE / 2))
			$GNUDD if="$tmp/in" of="$FF_SIM_FLASH" bs=65536 iflag=count_bytes count="$cutbytes" oflag=seek_bytes seek=$((poff + base)) conv=notrunc status=none
			printf '%s\n' "$FF_FAULT_POWER_BLOCK" >"$FF_SIM/powerloss.request"
			sim_await_death "power loss"
		fi
	fi
	if [ "$nbytes" -gt 0 ]; then
		$GNUDD if="$tmp/in" of="$FF_SIM_FLASH" bs=65536 iflag=count_bytes count="$nbytes" oflag=seek_bytes seek=$((poff + base)) conv=notrunc status=none || exit 1
		sim_throttle "$nbytes" "$FF_SIM_WRITEBPS"
	fi
	out_bytes=$nbytes
	if [ -n "$err" ]; then
		out_full=$good
		echo "dd: $rname: $err" >&2
		summary
		exit 1
	fi
	out_full=$chunks_full
	[ "$last" = 0 ] || out_part=1
else
	rname=$(sim_rpath "$ofile")
	host=$FF_SIM_ROOT$rname
	case $rname in
	/dev/null | /dev/zero) host=/dev/null ;;
	esac
	parent=${host%/*}
	if [ ! -d "${parent:-/}" ]; then
		echo "dd: $rname: No such file or directory" >&2
		exit 1
	fi
	if [ -d "$host" ]; then
		echo "dd: $rname: Is a directory" >&2
		exit 1
	fi
	if [ "$cnotrunc" = 1 ] || [ "$host" = /dev/null ]; then
		$GNUDD if="$tmp/in" of="$host" bs=65536 oflag=seek_bytes seek="$base" conv=notrunc status=none || exit 1
	else
		$GNUDD if="$tmp/in" of="$host" bs=65536 oflag=seek_bytes seek="$base" status=none || exit 1
	fi
	out_full=$chunks_full out_bytes=$len
	[ "$last" = 0 ] || out_part=1
fi
summary
exit 0
