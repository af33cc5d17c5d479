#!/bin/sh
# reboot(8) stand-in. "reboot -r" (reroot) records the request and returns 0 at once, as FreeBSD's
# reboot only signals init; the router's Java side then reroots. A plain reboot records the request
# and waits to be killed: the router goes down (the reboot(2) call never returns).
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

reroot=0
while getopts :dlNnpqrk: opt; do
	case $opt in
	r) reroot=1 ;;
	d | l | N | n | p | q | k) ;;
	*)
		sim_optfail "$opt"
		echo "usage: reboot [-dlNnpqr] [-k kernel]" >&2; exit 1 ;;
	esac
done
printf '%s reboot %s\n' "$(/usr/bin/date +%s)" "$*" >>"$FF_SIM/reboot.log"
if [ "$reroot" = 1 ]; then
	printf '%s %s\n' "${USER:-root}" "$$" >"$FF_SIM/reroot.request"
	exit 0
fi
printf '%s %s\n' "${USER:-root}" "$$" >"$FF_SIM/reboot.request"
sim_await_death reboot
