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
# original method, costs every time).
#
# Run after `mvn -B -DskipTests package`. Everything binds to 127.0.9.1; nothing else is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=desktop/target/fleetflash.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
WRITE_BPS=${WRITE_BPS:-100000}
work=$(mktemp -d)
sim_pid=
cleanup() {
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

ff() { java -jar "$JAR" "$@"; }

ff sim image --profile tl-wdr3600 --version bench-a --out "$work/a.bin" >/dev/null
ff sim image --profile tl-wdr3600 --like "$work/a.bin" --change-last-blocks 10 --out "$work/b.bin" >/dev/null

# java itself in the background, not the ff function: $! must be the JVM, or cleanup would leave it running
java -jar "$JAR" sim --profile tl-wdr3600 --address 127.0.9.1 --port 0 --state-dir "$work/state" \
    --flash-write-bps "$WRITE_BPS" --reboot-delay 2 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 120); do
    [ -s "$work/sim.out" ] && break
    sleep 0.5
done
read -r _name endpoint user password <"$work/sim.out"
printf '%s\n' "$password" >"$work/pw"
chmod 600 "$work/pw"

run() { # label image -> prints "label blocks_written blocks_same seconds outcome"
    local start end last
    start=$(date +%s.%N)
    ff upgrade "$endpoint" --user "$user" --password-file "$work/pw" --accept-new-host-key \
        --data-dir "$work/data" --image "$2" --layout "kernel rootfs" --json-events >"$work/$1.json" || true
    end=$(date +%s.%N)
    last=$(tail -n 1 "$work/$1.json")
    python3 - "$1" "$start" "$end" "$last" <<'PY'
import json, sys
label, start, end, last = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4])
print(f"{label:<22} {last.get('blocksWritten', -1):>7} {last.get('blocksSame', -1):>6} {end - start:>9.1f} s  {last['outcome']}")
PY
}

blocks=$(( ($(stat -c %s "$work/a.bin") + 65535) / 65536 ))
echo "FleetFlash flash benchmark: tl-wdr3600, $blocks erase blocks of 64 KiB, flash writes at $WRITE_BPS B/s"
printf '%-22s %7s %6s %11s\n' "upgrade" "written" "same" "wall time"
run "A (all blocks differ)" "$work/a.bin"
run "B (last 10 differ)" "$work/b.bin"
run "B again (none differ)" "$work/b.bin"
python3 - "$blocks" "$WRITE_BPS" <<'PY'
import sys
blocks, bps = int(sys.argv[1]), int(sys.argv[2])
print(f"writing every block (plain dd of the image, the original method): {blocks * 65536 / bps:.1f} s of flashing each time")
print(f"writing 10 blocks at the same speed: {10 * 65536 / bps:.1f} s of flashing")
PY
