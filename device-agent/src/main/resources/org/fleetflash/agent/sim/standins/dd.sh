#!/bin/sh
# dd(1) stand-in: FreeBSD operands and summary. "$FF_ROOT/dev/map/<name>" is a GEOM_MAP partition
# of the flash file: I/O lands at the partition's offset; past its end is EINVAL, a write that is
# not erase-block aligned is EIO (mx25l), a write to a readonly=1 hint partition is EPERM at open.
# Cheap on purpose (the flasher calls it three times per run of erase blocks): shell built-ins plus one GNU dd
# per copy, reading and writing the files in place; a second GNU dd only to learn a plain input
# file's length or to pad (conv=sync/osync); stdin alone is staged in a scratch file.
# shellcheck disable=SC2154 # sim_t, sim_r and sim_p* are set by sim.subr's sim_clock, sim_rpathv and sim_part
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

GNUDD=/usr/bin/dd
sim_clock
start=$sim_t
ifile='' ofile='' bs='' ibs=512 obs=512 skip=0 seek=0 count='' csync=0 cnotrunc=0 cosync=0 status=''
nl='
'

# num OPERAND VALUE: FreeBSD get_num() into $r: a number with an optional b/k/m/g/w suffix, x products
num() {
	r=1
	old_ifs=$IFS
	IFS=x
	for f in $2; do
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
}

for op in "$@"; do
	case $op in
	if=*) ifile=${op#if=} ;;
	of=*) ofile=${op#of=} ;;
	bs=*) num bs "${op#bs=}"; bs=$r ;;
	ibs=*) num ibs "${op#ibs=}"; ibs=$r ;;
	obs=*) num obs "${op#obs=}"; obs=$r ;;
	skip=* | iseek=*) num skip "${op#*=}"; skip=$r ;;
	seek=* | oseek=*) num seek "${op#*=}"; seek=$r ;;
	count=*) num count "${op#count=}"; count=$r ;;
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

in_full=0 in_part=0 out_full=0 out_part=0 out_bytes=0

# summary: FreeBSD's three summary lines on stderr; the time is the clock of sim_clock (10 ms steps),
# at least a microsecond as in FreeBSD's dd
summary() {
	[ "$status" = none ] && return 0
	printf '%s+%s records in\n%s+%s records out\n' "$in_full" "$in_part" "$out_full" "$out_part" >&2
	[ "$status" = noxfer ] && return 0
	sim_clock
	us=$(((sim_t - start) * 10000))
	[ "$us" -ge 1 ] || us=1
	printf '%s bytes transferred in %s.%06d secs (%s bytes/sec)\n' "$out_bytes" $((us / 1000000)) $((us % 1000000)) \
		$(((out_bytes * 1000000 + us / 2) / us)) >&2
}

# mapname PATH: sets $mname to the partition name when PATH is /dev/map/<name> on the router
mapname() {
	sim_rpathv "$1"
	case $sim_r in
	/dev/map/*) mname=${1##*/} ;;
	*) return 1 ;;
	esac
}

# copied GNUDD-OUTPUT: sets $got to the byte count of GNU dd's summary (LC_ALL=C)
copied() {
	got=${1##*records out"$nl"}
	got=${got%% *}
	case $got in
	'' | *[!0-9]*) got=0 ;;
	esac
}

# ---- input: src (a host file), from (byte offset in it), len (bytes the input yields, before padding)
src='' from=0 len=''
tmp=''
if [ -z "$ifile" ]; then
	# stdin: read completely first (a pipe gives no short reads), into a scratch file
	tmp=$FF_SIM/tmp/dd.$$
	trap '/bin/rm -f "$tmp"' EXIT
	trap 'exit 1' INT TERM HUP
	if [ -n "$count" ]; then
		msg=$(LC_ALL=C $GNUDD of="$tmp" bs=65536 iflag=skip_bytes,count_bytes,fullblock skip=$((skip * ibs)) count=$((count * ibs)) 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
	else
		msg=$(LC_ALL=C $GNUDD of="$tmp" bs=65536 iflag=skip_bytes skip=$((skip * ibs)) 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
	fi
	copied "$msg"
	src=$tmp len=$got
elif mapname "$ifile"; then
	rname=/dev/map/$mname
	sim_part "$mname" || { echo "dd: $rname: No such file or directory" >&2; exit 1; }
	from=$((skip * ibs))
	if [ -n "$count" ]; then want=$((count * ibs)); else want=$((sim_psize - from)); fi
	if [ $((ibs % FF_SIM_SECTOR)) != 0 ] || [ "$from" -gt "$sim_psize" ] || [ $((from + want)) -gt "$sim_psize" ] || [ $((want % ibs)) != 0 ]; then
		echo "dd: $rname: Invalid argument" >&2
		summary
		exit 1
	fi
	src=$FF_SIM_FLASH from=$((sim_poff + from)) len=$want
	sim_throttle "$want" "$FF_SIM_READBPS"
else
	sim_rpathv "$ifile"
	src=$FF_SIM_ROOT$sim_r
	if [ ! -e "$src" ]; then
		echo "dd: $sim_r: No such file or directory" >&2
		exit 1
	fi
	from=$((skip * ibs))
fi

# inlen: sets len when it is not known yet (a plain input file), by a GNU dd read of the range to /dev/null
inlen() {
	[ -z "$len" ] || return 0
	if [ -n "$count" ]; then
		msg=$(LC_ALL=C $GNUDD if="$src" of=/dev/null bs=65536 iflag=skip_bytes,count_bytes skip="$from" count=$((count * ibs)) 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
	else
		msg=$(LC_ALL=C $GNUDD if="$src" of=/dev/null bs=65536 iflag=skip_bytes skip="$from" 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
	fi
	copied "$msg"
	len=$got
}

# plan: padded length plen, records in, output chunks (blk bytes, the last one maybe short)
plan() {
	in_full=$((len / ibs))
	[ $((len % ibs)) = 0 ] || in_part=1
	plen=$len
	if [ "$csync" = 1 ] && [ "$in_part" = 1 ]; then
		plen=$((len + ibs - len % ibs))
	fi
	if [ -n "$bs" ]; then blk=$bs; else blk=$obs; fi
	if [ -z "$bs" ] && [ "$cosync" = 1 ] && [ $((plen % blk)) != 0 ]; then
		plen=$((plen + blk - plen % blk))
	fi
	chunks_full=$((plen / blk))
	last=$((plen % blk))
}

# put DST OFFSET N TRUNC: writes the first N bytes of the padded input to host file DST at OFFSET (DST '' =
# stdout); TRUNC=1 truncates DST at OFFSET first
put() {
	dn=$3
	[ "$dn" -le "$len" ] || dn=$len
	if [ -z "$1" ]; then
		$GNUDD if="$src" bs=65536 iflag=skip_bytes,count_bytes skip="$from" count="$dn" status=none || exit 1
		[ "$3" -gt "$dn" ] || return 0
		$GNUDD if=/dev/zero bs=65536 iflag=count_bytes count=$(($3 - dn)) status=none || exit 1
		return 0
	fi
	if [ "$4" = 1 ]; then
		$GNUDD if="$src" of="$1" bs=65536 iflag=skip_bytes,count_bytes skip="$from" count="$dn" oflag=seek_bytes seek="$2" status=none || exit 1
	else
		$GNUDD if="$src" of="$1" bs=65536 iflag=skip_bytes,count_bytes skip="$from" count="$dn" oflag=seek_bytes seek="$2" conv=notrunc status=none || exit 1
	fi
	[ "$3" -gt "$dn" ] || return 0
	$GNUDD if=/dev/zero of="$1" bs=65536 iflag=count_bytes count=$(($3 - dn)) oflag=seek_bytes seek=$(($2 + dn)) conv=notrunc status=none || exit 1
}

base=$((seek * obs))

if [ -z "$ofile" ]; then
	inlen
	plan
	put '' 0 "$plen" 0
	out_full=$chunks_full out_bytes=$plen
	[ "$last" = 0 ] || out_part=1
elif mapname "$ofile"; then
	rname=/dev/map/$mname
	sim_part "$mname" || { echo "dd: $rname: No such file or directory" >&2; exit 1; }
	poff=$sim_poff psize=$sim_psize
	if [ "$sim_pro" = 1 ]; then
		echo "dd: $rname: Operation not permitted" >&2
		exit 1
	fi
	inlen
	plan
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
		nbytes=$plen
	fi
	if [ "$nbytes" -gt 0 ] && [ -n "$FF_FAULT_POWER_BLOCK$FF_FAULT_WRITE_FAIL_FROM" ] && [ -f "$FF_SIM/stage" ]; then
		# faults count the erase blocks written since the reroot
		sim_lock
		before=0
		[ -f "$FF_SIM/flashwrites" ] && read -r before <"$FF_SIM/flashwrites"
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
			put "$FF_SIM_FLASH" $((poff + base)) $(((k - 1) * FF_SIM_ERASE + FF_SIM_ERASE / 2)) 0
			printf '%s\n' "$FF_FAULT_POWER_BLOCK" >"$FF_SIM/powerloss.request"
			sim_await_death "power loss"
		fi
	fi
	if [ "$nbytes" -gt 0 ]; then
		put "$FF_SIM_FLASH" $((poff + base)) "$nbytes" 0
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
	sim_rpathv "$ofile"
	rname=$sim_r
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
	trunc=1
	if [ "$cnotrunc" = 1 ] || [ "$host" = /dev/null ]; then trunc=0; fi
	if [ -z "$len" ]; then
		# a plain input file: copy what the range yields, learn its length from GNU dd, then pad
		if [ -n "$count" ]; then
			c=$((count * ibs))
		else
			c=-1
		fi
		if [ "$trunc" = 1 ]; then tflag=''; else tflag=conv=notrunc; fi
		if [ "$c" -ge 0 ]; then
			msg=$(LC_ALL=C $GNUDD if="$src" of="$host" bs=65536 iflag=skip_bytes,count_bytes skip="$from" count="$c" oflag=seek_bytes seek="$base" ${tflag:+"$tflag"} 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
		else
			msg=$(LC_ALL=C $GNUDD if="$src" of="$host" bs=65536 iflag=skip_bytes skip="$from" oflag=seek_bytes seek="$base" ${tflag:+"$tflag"} 2>&1) || { printf '%s\n' "${msg%%"$nl"*}" >&2; exit 1; }
		fi
		copied "$msg"
		len=$got
		plan
		if [ "$plen" -gt "$len" ]; then
			$GNUDD if=/dev/zero of="$host" bs=65536 iflag=count_bytes count=$((plen - len)) oflag=seek_bytes seek=$((base + len)) conv=notrunc status=none || exit 1
		fi
	else
		plan
		put "$host" "$base" "$plen" "$trunc"
	fi
	out_full=$chunks_full out_bytes=$plen
	[ "$last" = 0 ] || out_part=1
fi
summary
exit 0
