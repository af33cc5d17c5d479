#!/bin/sh
# reboot(8) stand-in: not emulated yet; refuses like an unprivileged reboot and says why.
# shellcheck source=/dev/null
. '@FF_SIM_DIR@/sim.subr'

while getopts :dlNnpqrk: opt; do
	case $opt in
	d | l | N | n | p | q | r | k) ;;
	*)
		sim_optfail "$opt"
		echo "usage: reboot [-dlNnpqr] [-k kernel]" >&2; exit 1 ;;
	esac
done
printf '%s reboot %s\n' "$(/usr/bin/date +%s)" "$*" >>"$FF_SIM/reboot.log"
echo "reboot: Operation not permitted" >&2
echo "(FleetFlash simulator: reboot and reboot -r are not emulated yet)" >&2
exit 1
