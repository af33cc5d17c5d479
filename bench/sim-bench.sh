#!/usr/bin/env bash
# How long the simulator takes to upgrade: one simulated TL-WDR3600 (121 erase blocks of 64 KiB) is upgraded to an
# image that differs from its firmware in every erase block, so the flasher reads, writes and re-reads every block
# through the dd stand-in. The router is unthrottled in every simulated-time sense: the flash writes at full speed
# (--flash-write-bps 0), a reboot takes no time of its own (--reboot-delay 0), and rc.shutdown after reboot -r ends
# as soon as the session that ran the commit has closed (--shutdown-grace GRACE only bounds it; default 1.5 s, the
# profile's). What is left is the work itself: the agent, the stand-ins, SSH, the engine.
#
# Per run it prints:
#   attempt  the upgrade from its first --json-events event to its last: the target figure (5 s or less on an idle
#            machine). It is what a technician waits per router: in a batch, or in the window, the JVM starts once
#            and the history opens once, not once per router.
#   cli      the wall time of the whole `fleetflash upgrade` command: the attempt plus the JVM's start-up, the
#            history's opening and the exit.
#   FLASH    from the first FLASH event to the first event of a later phase.
#   COMMIT, RETURN  the phases that used to hold the fixed waits (rc.shutdown's grace; the reboot delay).
#
# Run after `mvn -B -q -DskipTests package`. Everything binds to 127.0.13.1; nothing else is contacted.
# RUNS=N repeats the upgrade N times (default 1) on the same router, alternating two images.
# GRACE=SECONDS sets the shutdown grace (default 1.5). KEEP=1 keeps the work directory (each run's events in runN.json).
# Every process it starts (the simulator's JVM, each upgrade's JVM) is stopped at exit, also on ^C.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=desktop/target/fleetflash.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
RUNS=${RUNS:-1}
GRACE=${GRACE:-1.5}
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
    --state-dir "$work/state" --reboot-delay 0 --shutdown-grace "$GRACE" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 240); do
    [ -s "$work/sim.out" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; exit 1; }
    sleep 0.5
done
[ -s "$work/sim.out" ] || { echo "the simulated router did not start within 120 s" >&2; exit 1; }
read -r _name endpoint user password <"$work/sim.out"
(umask 077; printf '%s\n' "$password" >"$work/pw")

echo "FleetFlash simulator benchmark: tl-wdr3600, every erase block differs; unthrottled flash, reboot delay 0,"
echo "shutdown grace at most ${GRACE} s. Target: attempt <= 5 s on an idle machine"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %7s %8s %8s %7s %7s %7s %-10s %s\n' run written attempt cli FLASH COMMIT RETURN outcome "load (1 min, at the end)"
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
def span(phase):
    """From the first event of the phase to the first event of a later phase."""
    first = later = None
    for e in events:
        if e.get("event") == "phase" and e.get("phase") == phase and first is None:
            first = at(e)
        elif first is not None and later is None and e.get("phase") not in (None, phase):
            later = at(e)
    return f"{later - first:6.2f}s" if first and later else "      ?"
attempt = f"{at(events[-1]) - at(events[0]):7.2f}s" if events else "      ?"
last = events[-1] if events else {}
load = open("/proc/loadavg").read().split()[0]
print(f"{run:<4} {last.get('blocksWritten', -1):>7} {attempt} {end - start:7.2f}s {span('FLASH')} {span('COMMIT')}"
      f" {span('RETURN')} {last.get('outcome', '?'):<10} {load}")
PY
done
