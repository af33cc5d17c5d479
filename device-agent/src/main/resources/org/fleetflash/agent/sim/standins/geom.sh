#!/bin/sh
# geom(8) stand-in: "geom map list" and "geom map status" for the flash's GEOM_MAP partitions.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	echo "usage: geom <class> <command> [options]" >&2
	exit 1
}

[ $# -ge 1 ] || usage
class=$1
shift
case $class in
map | MAP) ;;
help) usage ;;
*)
	echo "geom: Class '$class' not found." >&2
	exit 1
	;;
esac
[ $# -ge 1 ] || { echo "geom: Class name not specified." >&2; exit 1; }
cmd=$1
shift

# humanize BYTES: humanize_number(3) with 4 columns, HN_AUTOSCALE|HN_B|HN_NOSPACE|HN_DECIMAL
humanize() {
	hb=$1 hd=1 hi=0
	set -- B K M G T P
	# the value is hb / hd; scale while it is 999.5 or more, in whole numbers (no awk, no process)
	while [ $((2 * hb)) -ge $((1999 * hd)) ] && [ "$hi" -lt 5 ]; do
		hd=$((hd * 1024))
		hi=$((hi + 1))
	done
	shift "$hi"
	if [ "$hi" -gt 0 ] && [ $((20 * hb)) -lt $((199 * hd)) ]; then
		# one decimal, rounded to the nearest (an exact half to the even digit, as printf's %.1f)
		hq=$((10 * hb / hd)) hr=$((10 * hb % hd))
		if [ $((2 * hr)) -gt "$hd" ] || { [ $((2 * hr)) -eq "$hd" ] && [ $((hq % 2)) = 1 ]; }; then
			hq=$((hq + 1))
		fi
		printf '%d.%d%s\n' $((hq / 10)) $((hq % 10)) "$1"
	else
		printf '%d%s\n' $(((2 * hb + hd) / (2 * hd))) "$1"
	fi
}

case $cmd in
list)
	if [ $# -gt 0 ] && [ "$1" != "$FF_SIM_FLASHDEV" ]; then
		echo "geom: Class '$class' does not have an instance named '$1'." >&2
		exit 1
	fi
	printf 'Geom name: %s\nProviders:\n' "$FF_SIM_FLASHDEV"
	i=0
	while read -r idx name off len _ro; do
		i=$((i + 1))
		mode=r0w0e0
		[ "$name" = "$FF_SIM_ROOTPART" ] && [ -n "$FF_SIM_ROOTDEV" ] && mode=r1w0e1
		printf '%d. Name: map/%s\n' "$i" "$name"
		printf '   Mediasize: %s (%s)\n' "$len" "$(humanize "$len")"
		printf '   Sectorsize: %s\n   Stripesize: %s\n   Stripeoffset: %s\n' "$FF_SIM_SECTOR" "$FF_SIM_ERASE" $((off % FF_SIM_ERASE))
		printf '   Mode: %s\n' "$mode"
		printf '   dsize: %s\n   entry: 0\n   secoffset: %s\n   offset: %s\n' "$len" $((off / FF_SIM_SECTOR)) "$off"
		printf '   seclength: %s\n   length: %s\n   index: %s\n' $((len / FF_SIM_SECTOR)) "$len" "$idx"
	done <"$FF_SIM/partitions"
	printf 'Consumers:\n1. Name: %s\n' "$FF_SIM_FLASHDEV"
	printf '   Mediasize: %s (%s)\n' "$FF_SIM_FLASHSIZE" "$(humanize "$FF_SIM_FLASHSIZE")"
	printf '   Sectorsize: %s\n   Stripesize: %s\n   Stripeoffset: 0\n   Mode: r1w0e2\n\n' "$FF_SIM_SECTOR" "$FF_SIM_ERASE"
	;;
status)
	script=0
	while getopts :gs opt; do
		case $opt in
		s) script=1 ;;
		g) ;;
		*) sim_optfail "$opt"; usage ;;
		esac
	done
	/usr/bin/awk -v s="$script" -v dev="$FF_SIM_FLASHDEV" '
		{ n++; name[n] = "map/" $2; if (length(name[n]) > w) w = length(name[n]) }
		END {
			if (w < 4) w = 4
			if (s == 1) w = 0; sw = (s == 1) ? 0 : 6
			if (s != 1) printf "%*s  %*s  %s\n", w, "Name", sw, "Status", "Components"
			for (i = 1; i <= n; i++) printf "%*s  %*s  %s\n", w, name[i], sw, "N/A", dev
		}' "$FF_SIM/partitions"
	;;
*)
	echo "geom: Unknown command: $cmd." >&2
	exit 1
	;;
esac
