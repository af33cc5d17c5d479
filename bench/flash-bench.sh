#!/usr/bin/env bash
# Flashing time follows the changed erase blocks, not the image size.
#
# Upgrades one simulated TL-WDR3600 whose flash writes at the seed device's measured
# speed (about 100 KB/s, Eugene Grosbein's dd figure) three times:
#   1. to image A, which differs from the router's firmware in every erase block;
#   2. to image B, which is A with only its last 10 erase blocks changed;
#   3. to image B again, where nothing differs.
# It prints the blocks written and the wall time of each upgrade, and the flashing time
# that writing every block would take at that speed (what a plain `dd` of the image, the
# original method, costs every time). For upgrade B it prints the wall time next to the
# flashing time of 10 blocks plus the reboot delay: what is left is the upgrade's own
# overhead (connect, probe, backup, staging, reroot, return, read-back).
#
# Run after `mvn -B -DskipTests package`. Everything binds to 127.0.9.1; nothing else is contacted.
# The simulator and every upgrade it starts are stopped when the script ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-desktop/target/fleetflash.jar}
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
WRITE_BPS=${WRITE_BPS:-100000}
REBOOT_DELAY=${REBOOT_DELAY:-2}
work=$(mktemp -d)
sim_pid=
run_pid=
cleanup() {
    for pid in $run_pid $sim_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# java itself in the background and waited for (not a shell function): $! is the JVM, so that the
# traps can stop exactly it, and a signal to this script is acted on while it runs
java_bg() {
    java -jar "$JAR" "$@" &
    run_pid=$!
    local rc=0
    wait "$run_pid" || rc=$?
    run_pid=
    return "$rc"
}

java_bg sim image --profile tl-wdr3600 --version bench-a --out "$work/a.bin" >/dev/null
java_bg sim image --profile tl-wdr3600 --like "$work/a.bin" --change-last-blocks 10 --out "$work/b.bin" >/dev/null

java -jar "$JAR" sim --profile tl-wdr3600 --address 127.0.9.1 --port 0 --state-dir "$work/state" \
    --flash-write-bps "$WRITE_BPS" --reboot-delay "$REBOOT_DELAY" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 240); do
    [ -s "$work/sim.out" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; exit 1; }
    sleep 0.5
done
[ -s "$work/sim.out" ] || { echo "the simulated router did not start within 120 s" >&2; exit 1; }
read -r _name endpoint user password <"$work/sim.out"
(umask 077; printf '%s\n' "$password" >"$work/pw")

run() { # label image -> prints "label blocks_written blocks_same seconds FLASH-seconds outcome"; keeps the wall time
    local start end
    start=$(date +%s.%N)
    java_bg upgrade "$endpoint" --user "$user" --password-file "$work/pw" --accept-new-host-key \
        --data-dir "$work/data" --image "$2" --layout "kernel rootfs" --json-events >"$work/$1.json" || true
    end=$(date +%s.%N)
    python3 - "$1" "$start" "$end" "$work/$1.json" <<'PY' | tee "$work/$1.line"
import json, sys
from datetime import datetime
label, start, end, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
events = [json.loads(l) for l in open(path) if l.startswith("{")]
def at(e):
    return datetime.fromisoformat(e["at"].replace("Z", "+00:00")).timestamp()
flash_start = flash_end = None
for e in events:
    if e.get("phase") == "FLASH" and flash_start is None:
        flash_start = at(e)
    elif flash_start is not None and flash_end is None and e.get("phase") not in (None, "FLASH"):
        flash_end = at(e)
flash = f"{flash_end - flash_start:8.1f} s" if flash_start and flash_end else "       ? s"
last = events[-1] if events else {}
print(f"{label:<22} {last.get('blocksWritten', -1):>7} {last.get('blocksSame', -1):>6} {end - start:>9.1f} s {flash}  {last.get('outcome', '?')}")
PY
}

blocks=$(( ($(stat -c %s "$work/a.bin") + 65535) / 65536 ))
echo "FleetFlash flash benchmark: tl-wdr3600, $blocks erase blocks of 64 KiB, flash writes at $WRITE_BPS B/s, reboot delay $REBOOT_DELAY s"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %7s %6s %11s %10s\n' "upgrade" "written" "same" "wall time" "FLASH"
run "A (all blocks differ)" "$work/a.bin"
run "B (last 10 differ)" "$work/b.bin"
run "B again (none differ)" "$work/b.bin"
python3 - "$blocks" "$WRITE_BPS" "$REBOOT_DELAY" "$work/B (last 10 differ).line" <<'PY'
import sys
blocks, bps, reboot, line = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), open(sys.argv[4]).read()
wall = float(line[22:].split()[2])
flashing = 10 * 65536 / bps
print(f"writing every block (plain dd of the image, the original method): {blocks * 65536 / bps:.1f} s of flashing each time")
print(f"B: wall time {wall:.1f} s; flashing 10 blocks {flashing:.1f} s + reboot delay {reboot:.1f} s = {flashing + reboot:.1f} s;"
      f" overhead {wall - flashing - reboot:.1f} s (target: at most 8 s)")
PY
