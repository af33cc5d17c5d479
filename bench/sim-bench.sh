#!/usr/bin/env bash
# How long the simulator takes to flash: one unthrottled simulated TL-WDR3600 (121 erase blocks
# of 64 KiB) is upgraded to an image that differs from its firmware in every erase block, so the
# flasher reads, writes and re-reads every block through the dd stand-in. Prints the wall time of
# the whole upgrade and of its FLASH phase (from the first FLASH event to the first event of a
# later phase, by the --json-events timestamps).
#
# Run after `mvn -B -q -DskipTests package`. Everything binds to 127.0.13.1; nothing else is contacted.
# RUNS=N repeats the upgrade N times (default 1) on the same router, alternating two images.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=desktop/target/fleetflash.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
RUNS=${RUNS:-1}
work=$(mktemp -d)
sim_pid=
run_pid=
cleanup() {
    for pid in $run_pid $sim_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP:-}" ] || rm -rf "$work"; [ -z "${KEEP:-}" ] || echo "kept $work" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java -jar "$JAR" sim image --profile tl-wdr3600 --version bench-a --out "$work/a.bin" >/dev/null
java -jar "$JAR" sim image --profile tl-wdr3600 --version bench-b --out "$work/b.bin" >/dev/null

# java itself in the background (not a shell function), so that exactly this PID is killed at exit
java -jar "$JAR" sim --profile tl-wdr3600 --flash-write-bps 0 --address 127.0.13.1 --port 0 \
    --state-dir "$work/state" --reboot-delay 1 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 240); do
    [ -s "$work/sim.out" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; exit 1; }
    sleep 0.5
done
[ -s "$work/sim.out" ] || { echo "the simulated router did not start within 120 s" >&2; exit 1; }
read -r _name endpoint user password <"$work/sim.out"
(umask 077; printf '%s\n' "$password" >"$work/pw")

echo "FleetFlash simulator benchmark: tl-wdr3600, unthrottled flash, every erase block differs"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %8s %8s %8s %s\n' run written upgrade FLASH outcome
for i in $(seq 1 "$RUNS"); do
    if [ $((i % 2)) = 1 ]; then img=$work/a.bin; else img=$work/b.bin; fi
    start=$(date +%s.%N)
    # the upgrade JVM in the background and waited for, so that the traps can stop exactly it
    java -jar "$JAR" upgrade "$endpoint" --user "$user" --password-file "$work/pw" --accept-new-host-key \
        --data-dir "$work/data" --image "$img" --layout "kernel rootfs" --json-events >"$work/run$i.json" &
    run_pid=$!
    wait "$run_pid" || true
    run_pid=
    end=$(date +%s.%N)
    python3 - "$i" "$start" "$end" "$work/run$i.json" <<'PY'
import json, sys
from datetime import datetime
run, start, end, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
events = [json.loads(l) for l in open(path) if l.startswith("{")]
def at(e):
    return datetime.fromisoformat(e["at"].replace("Z", "+00:00")).timestamp()
flash_start = flash_end = None
for e in events:
    if e.get("phase") == "FLASH" and flash_start is None:
        flash_start = at(e)
    elif flash_start is not None and flash_end is None and e.get("phase") not in (None, "FLASH"):
        flash_end = at(e)
flash = f"{flash_end - flash_start:7.1f}s" if flash_start and flash_end else "      ?"
last = events[-1] if events else {}
print(f"{run:<4} {last.get('blocksWritten', -1):>8} {end - start:7.1f}s {flash} {last.get('outcome', '?')}")
PY
done
