#!/bin/sh
# reboot(8) stand-in. "reboot -r" (reroot) records the request and returns 0 at once, as FreeBSD's
# reboot only signals init; the router's Java side then reroots. A plain reboot records the request
# and waits to be killed: the router goes down (the reboot(2) call never returns).
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

# The fault of a reboot from before FreeBSD 10.3 (no -r): getopt's complaint and that reboot's usage.
opts=:dlNnpqrk:
usage="usage: reboot [-dlNnpqr] [-k kernel]"
if [ "$FF_FAULT_NO_REROOT" = yes ]; then
	opts=:dlnpqk:
	usage="usage: reboot [-dlnpq] [-k kernel]"
fi
reroot=0
while getopts "$opts" opt; do
	case $opt in
	r) reroot=1 ;;
	d | l | N | n | p | q | k) ;;
	*)
		sim_optfail "$opt"
		echo "$usage" >&2; exit 1 ;;
	esac
done
printf '%s reboot %s\n' "$(/usr/bin/date +%s)" "$*" >>"$FF_SIM/reboot.log"
if [ "$reroot" = 1 ]; then
	sim_pause reboot
	printf '%s %s\n' "${USER:-root}" "$$" >"$FF_SIM/reroot.request"
	exit 0
fi
# The bit-rot fault: the flasher (running rerooted) reboots after its own read-back passed; one flash byte flips now.
if [ -n "$FF_FAULT_ROT_AT" ] && [ -e "$FF_SIM/stage" ] && [ ! -e "$FF_SIM/fault.rot.spent" ]; then
	: >"$FF_SIM/fault.rot.spent"
	b=$(/usr/bin/od -An -tu1 -j "$FF_FAULT_ROT_AT" -N1 "$FF_SIM_FLASH" | /usr/bin/tr -d ' ')
	/usr/bin/printf "\\$(/usr/bin/printf '%03o' $((255 - b)))" |
		/usr/bin/dd of="$FF_SIM_FLASH" bs=1 seek="$FF_FAULT_ROT_AT" conv=notrunc status=none
	printf '%s flash byte %s rotted (%s)\n' "$(/usr/bin/date +%s)" "$FF_FAULT_ROT_AT" "$b" >>"$FF_SIM/reboot.log"
fi
printf '%s %s\n' "${USER:-root}" "$$" >"$FF_SIM/reboot.request"
sim_await_death reboot
