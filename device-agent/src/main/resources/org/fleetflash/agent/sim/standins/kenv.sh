#!/bin/sh
# kenv(1) stand-in: the kernel environment (loader hints and variables) kept in sim/kenv.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

usage() {
	printf '%s\n%s\n%s\n' "usage: kenv [-hNq]" "       kenv [-qv] variable[=value]" "       kenv [-q] -u variable" >&2
	exit 1
}

hflag=0 Nflag=0 qflag=0 uflag=0 vflag=0
while getopts :hNquv opt; do
	case $opt in
	h) hflag=1 ;;
	N) Nflag=1 ;;
	q) qflag=1 ;;
	u) uflag=1 ;;
	v) vflag=1 ;;
	*)
		sim_optfail "$opt"
		usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
store=$FF_SIM/kenv

if [ $# = 0 ]; then
	if [ "$uflag" = 1 ] || [ "$vflag" = 1 ]; then usage; fi
	/usr/bin/awk -v h="$hflag" -v N="$Nflag" '{
		i = index($0, "="); name = substr($0, 1, i - 1); val = substr($0, i + 1)
		if (h == 1 && substr(name, 1, 5) != "hint.") next
		if (N == 1) print name; else printf "%s=\"%s\"\n", name, val
	}' "$store"
	exit 0
fi
if [ "$hflag" = 1 ] || [ "$Nflag" = 1 ]; then usage; fi

env=$1
case $env in
*=*)
	[ "$uflag" = 0 ] || usage
	name=${env%%=*} val=${env#*=}
	sim_lock
	/usr/bin/awk -v n="$name" -v v="$val" '
		{ i = index($0, "="); if (substr($0, 1, i - 1) == n) { print n "=" v; done = 1 } else print }
		END { if (!done) print n "=" v }' "$store" >"$store.new" && /bin/mv "$store.new" "$store"
	exec 9>&-
	sim_pause kenv
	printf '%s="%s"\n' "$name" "$val"
	;;
*)
	if [ "$uflag" = 1 ]; then
		sim_lock
		if /usr/bin/awk -v n="$env" '{ i = index($0, "="); if (substr($0, 1, i - 1) == n) f = 1; else print } END { exit !f }' \
			"$store" >"$store.new"; then
			/bin/mv "$store.new" "$store"
			exit 0
		fi
		/bin/rm -f "$store.new"
		[ "$qflag" = 1 ] || echo "kenv: unable to unset $env" >&2
		exit 1
	fi
	# the first NAME=VALUE line of the store whose name is exactly env (read by the shell: no process)
	found=0
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		*=*) [ "${line%%=*}" = "$env" ] || continue ;;
		*) [ -z "$env" ] || continue ;;
		esac
		val=${line#*=}
		found=1
		break
	done <"$store"
	if [ "$found" = 1 ]; then
		if [ "$vflag" = 1 ]; then
			printf '%s="%s"\n' "$env" "$val"
		else
			printf '%s\n' "$val"
		fi
		exit 0
	fi
	[ "$qflag" = 1 ] || echo "kenv: unable to get $env" >&2
	exit 1
	;;
esac
