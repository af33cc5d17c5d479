#!/bin/sh
# fetch(1) stand-in built on curl: -s (size), -o FILE, -q, -T SECS, -r (resume), -R (keep the file
# on failure), FTP_PASSWORD for ftp:// URLs, and FreeBSD's non-tty progress line on stderr.
# Faults: a transfer cut after FF_FAULT_CUT_AT bytes (once or always), one corrupted byte at
# FF_FAULT_CORRUPT_AT.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

CURL=/usr/bin/curl

usage() {
	echo "usage: fetch [-146AadFlMmnPpqRrsUv] [-B bytes] [--bind-address=host]" >&2
	echo "       [--ca-cert=file] [--ca-path=dir] [--cert=file] [--crl=file]" >&2
	echo "       [-i file] [--key=file] [-N file] [--no-passive] [--no-proxy=list]" >&2
	echo "       [--no-sslv3] [--no-tlsv1] [--no-verify-hostname] [--no-verify-peer]" >&2
	echo "       [-o file] [--referer=URL] [-S bytes] [-T seconds]" >&2
	echo "       [--user-agent=agent-string] [-w seconds] URL ..." >&2
	echo "       fetch [-146AadFlMmnPpqRrsUv] [-B bytes] [--bind-address=host]" >&2
	echo "       [--ca-cert=file] [--ca-path=dir] [--cert=file] [--crl=file]" >&2
	echo "       [-i file] [--key=file] [-N file] [--no-passive] [--no-proxy=list]" >&2
	echo "       [--no-sslv3] [--no-tlsv1] [--no-verify-hostname] [--no-verify-peer]" >&2
	echo "       [-o file] [--referer=URL] [-S bytes] [-T seconds]" >&2
	echo "       [--user-agent=agent-string] [-w seconds] -h host -f file [-c dir]" >&2
	exit 1
}

sflag=0 qflag=0 rflag=0 Rflag=0 out='' timeout=${FTP_TIMEOUT:-120} Sexp=''
while getopts :146AadFlMmnPpqRrsUvB:o:S:T:w:N:i: opt; do
	case $opt in
	s) sflag=1 ;;
	q) qflag=1 ;;
	r) rflag=1 ;;
	R) Rflag=1 ;;
	o) out=$OPTARG ;;
	S) Sexp=$OPTARG ;;
	T)
		case $OPTARG in
		'' | *[!0-9]*) echo "fetch: invalid timeout ($OPTARG)" >&2; exit 1 ;;
		esac
		timeout=$OPTARG
		;;
	1 | 4 | 6 | A | a | d | F | l | M | m | n | P | p | U | v | B | w | N | i) ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
[ "$timeout" -gt 0 ] 2>/dev/null || timeout=120

# reason CURLEXIT HTTPCODE: libfetch's message for a curl failure
reason() {
	case $1 in
	3) echo "Invalid URL" ;;
	6) echo "No address record" ;;
	7) echo "Connection refused" ;;
	9 | 78) echo "File unavailable (e.g., file not found, no access)" ;;
	22)
		case $2 in
		404) echo "Not Found" ;;
		403) echo "Forbidden" ;;
		401) echo "Unauthorized" ;;
		*) echo "HTTP error $2" ;;
		esac
		;;
	28) echo "Operation timed out" ;;
	67) echo "Not logged in" ;;
	13) echo "Can't open data connection" ;; # curl: no usable PASV/EPSV reply; libfetch prints the 425 reply's text
	18) echo "transfer interrupted" ;;
	*) echo "Unknown error (curl $1)" ;;
	esac
}

# stat_bytes N: FreeBSD fetch's "%4jd %cB" with 1024 scaling while > 9999
stat_bytes() {
	/usr/bin/awk -v b="$1" 'BEGIN { split(" kMGTP", u, ""); i = 1; while (b > 9999 && i < 6) { b = int(b / 1024); i++ }
		printf "%4d %sB", b, (i == 1 ? " " : u[i]) }'
}

status=0
for url in "$@"; do
	scheme=${url%%://*}
	case $scheme in
	ftp | http | https) ;;
	*) echo "fetch: $url: Invalid URL" >&2; status=1; continue ;;
	esac
	rest=${url#*://}
	hostpart=${rest%%/*}
	path=${rest#"$hostpart"}
	user='' pass=
	case $hostpart in
	*@*)
		user=${hostpart%@*}
		hostpart=${hostpart##*@}
		case $user in
		*:*) pass=${user#*:} user=${user%%:*} ;;
		esac
		;;
	esac
	if [ "$scheme" = ftp ] && [ -n "$user" ] && [ -z "$pass" ]; then
		pass=${FTP_PASSWORD:-}
	fi
	plain=$scheme://$hostpart$path
	cfg=$FF_SIM/tmp/fetch.$$
	/bin/mkdir -p "$FF_SIM/tmp"
	: >"$cfg"
	/bin/chmod 600 "$cfg"
	trap '/bin/rm -f "$cfg"' EXIT
	if [ -n "$user" ]; then
		printf 'user = "%s:%s"\n' "$user" "$pass" >>"$cfg"
	fi
	if [ "$sflag" = 1 ]; then
		hdr=$($CURL -sS -K "$cfg" --head --connect-timeout "$timeout" --max-time $((timeout * 2)) -- "$plain" 2>/dev/null)
		rc=$?
		if [ "$rc" != 0 ]; then
			echo "fetch: $url: $(reason "$rc" "")" >&2
			status=1
			continue
		fi
		size=$(printf '%s\n' "$hdr" | /usr/bin/awk 'tolower($1) == "content-length:" { gsub(/\r/, "", $2); print $2 }' | /usr/bin/tail -n 1)
		printf '%s\n' "${size:-Unknown}"
		continue
	fi
	if [ -z "$out" ]; then
		dest=${path##*/}
		[ -n "$dest" ] || { echo "fetch: $url: No filename specified" >&2; status=1; continue; }
	else
		dest=$out
	fi
	case $dest in
	-) hdest=- shown=- ;;
	/*) hdest=$(sim_hpath "$dest") shown=$(sim_rpath "$dest") ;;
	*) hdest=$(sim_hpath "$dest") shown=$dest ;;
	esac
	t0=$(sim_now)
	if [ "$hdest" = - ]; then
		$CURL -sS -K "$cfg" --fail --connect-timeout "$timeout" --speed-limit 1 --speed-time "$timeout" -- "$plain" 2>"$cfg.err"
		rc=$?
		got=0
	else
		offset=0
		if [ "$rflag" = 1 ] && [ -f "$hdest" ]; then offset=$(sim_size "$hdest"); fi
		cut=''
		if [ -n "$FF_FAULT_CUT_AT" ] && { [ "$FF_FAULT_CUT_ALWAYS" = yes ] || [ ! -f "$FF_SIM/fault.cut.spent" ]; }; then
			cut=$FF_FAULT_CUT_AT
			: >"$FF_SIM/fault.cut.spent"
		fi
		if [ -n "$cut" ]; then
			# the connection drops after $cut bytes of this transfer
			[ "$offset" -gt 0 ] || : >"$hdest"
			{
				$CURL -sS -K "$cfg" --fail --connect-timeout "$timeout" --speed-limit 1 --speed-time "$timeout" \
					-C "$offset" -o - -- "$plain" 2>"$cfg.err"
				echo $? >"$cfg.rc"
			} | /usr/bin/head -c "$cut" >>"$hdest"
			rc=$(/bin/cat "$cfg.rc")
			/bin/rm -f "$cfg.rc"
			if [ $(($(sim_size "$hdest") - offset)) -ge "$cut" ] || [ "$rc" = 23 ]; then rc=18; fi
		elif [ "$offset" -gt 0 ]; then
			$CURL -sS -K "$cfg" --fail --connect-timeout "$timeout" --speed-limit 1 --speed-time "$timeout" -C "$offset" -o "$hdest" -- "$plain" 2>"$cfg.err"
			rc=$?
		else
			$CURL -sS -K "$cfg" --fail --connect-timeout "$timeout" --speed-limit 1 --speed-time "$timeout" -o "$hdest" -- "$plain" 2>"$cfg.err"
			rc=$?
		fi
		got=0
		[ -f "$hdest" ] && got=$(sim_size "$hdest")
		if [ "$rc" = 0 ] && [ -n "$FF_FAULT_CORRUPT_AT" ] && [ "$got" -gt "$FF_FAULT_CORRUPT_AT" ]; then
			# one byte changed on the way: every bit of it flipped
			b=$(/usr/bin/od -An -tu1 -j "$FF_FAULT_CORRUPT_AT" -N1 "$hdest")
			b=$((b ^ 255))
			# shellcheck disable=SC2059 # the format is the octal escape of the byte
			printf "\\$(printf '%03o' "$b")" | /usr/bin/dd of="$hdest" bs=1 seek="$FF_FAULT_CORRUPT_AT" conv=notrunc status=none
		fi
	fi
	code=$(/bin/sed -n 's/.*returned error: \([0-9][0-9][0-9]\).*/\1/p' "$cfg.err" 2>/dev/null)
	/bin/rm -f "$cfg.err"
	if [ "$rc" != 0 ]; then
		echo "fetch: $url: $(reason "$rc" "$code")" >&2
		# like fetch.c: the partial file is deleted unless -R or -r
		if [ "$hdest" != - ] && [ "$Rflag" = 0 ] && [ "$rflag" = 0 ]; then /bin/rm -f "$hdest"; fi
		status=1
		continue
	fi
	if [ -n "$Sexp" ] && [ "$got" != "$Sexp" ]; then
		echo "fetch: $url: size mismatch: expected $Sexp, actual $got" >&2
		status=1
		continue
	fi
	if [ "$qflag" = 0 ]; then
		# non-tty stderr: the name padded to 46 columns, then size, rate and elapsed time
		printf '%-46s' "$shown" >&2
		/usr/bin/awk -v s="$t0" -v e="$(sim_now)" -v b="$got" -v sb="$(stat_bytes "$got")" 'BEGIN {
			t = e - s; if (t < 0.001) t = 0.001; r = b / t
			split(" kMGTP", u, ""); i = 1; while (r > 9999 && i < 6) { r = int(r / 1024); i++ }
			rate = sprintf("%4d %sBps", r, (i == 1 ? " " : u[i]))
			printf "        %s %s    %02ds\n", sb, rate, int(t + 0.5) }' >&2
	fi
done
exit "$status"
