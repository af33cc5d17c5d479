#!/usr/bin/env bash
# Twelve upgrades at once, as a technician with twelve terminals would run them today.
#
# Starts 12 unthrottled simulated TL-WDR3600 routers (one simulator JVM, addresses 127.0.12.1-12),
# then runs 12 `fleetflash upgrade` processes side by side, each with a data directory of its own (one
# FleetFlash per data directory; a batch with --targets is the way to upgrade many from one). Prints each router's outcome and wall time, the totals and
# the wall time of the whole run. On 2 cores this is a stress test: the simulated routers' shells
# and the 12 JVMs compete for the CPU, and routers come back while others are still going down.
#
# Exit status: 0 when every router SUCCEEDED, 1 otherwise.
# Run after `mvn -B -DskipTests package`. Everything binds to 127.0.12.x; nothing else is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=desktop/target/fleetflash.jar
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
COUNT=${COUNT:-12}
work=$(mktemp -d)
sim_pid=
upgrade_pids=()
cleanup() {
    for pid in "${upgrade_pids[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null || true # the upgrade JVM inside the subshell
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

java -jar "$JAR" sim image --profile tl-wdr3600 --version parallel-1 --out "$work/fw.bin" >/dev/null

# java itself in the background (not a shell function), so that $! is the JVM and cleanup stops it
java -jar "$JAR" sim --profile tl-wdr3600 --count "$COUNT" --address 127.0.12.1 --port 0 --state-dir "$work/state" \
    --flash-write-bps 0 --reboot-delay 1 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 240); do
    [ "$(wc -l <"$work/sim.out")" -ge "$COUNT" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "the simulator stopped:" >&2; cat "$work/sim.err" >&2; exit 2; }
    sleep 0.5
done
[ "$(wc -l <"$work/sim.out")" -ge "$COUNT" ] || { echo "the simulator did not start $COUNT routers in 120 s" >&2; exit 2; }
read -r _name _endpoint user password <"$work/sim.out"
printf '%s\n' "$password" >"$work/pw"
chmod 600 "$work/pw"

echo "FleetFlash parallel upgrades: $COUNT unthrottled simulated tl-wdr3600 routers, $COUNT CLI processes, $(nproc) cores"
start=$(date +%s.%N)
i=0
while read -r name endpoint _user _password; do
    i=$((i + 1))
    (
        s=$(date +%s.%N)
        java -jar "$JAR" upgrade "$endpoint" --user "$user" --password-file "$work/pw" --accept-new-host-key \
            --data-dir "$work/data-$name" --image "$work/fw.bin" --layout "kernel rootfs" --json-events \
            >"$work/$name.json" 2>"$work/$name.err" || true
        e=$(date +%s.%N)
        echo "$s $e" >"$work/$name.time"
    ) &
    upgrade_pids+=("$!")
done <"$work/sim.out"
for pid in "${upgrade_pids[@]}"; do
    wait "$pid" || true
done
upgrade_pids=()
end=$(date +%s.%N)

python3 - "$work" "$start" "$end" <<'PY'
import json, os, sys
work, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
names = [l.split()[0] for l in open(os.path.join(work, "sim.out")) if l.strip()]
counts = {}
print(f"{'router':<16} {'outcome':<16} {'code':<22} {'wall':>7}")
for n in names:
    last = None
    for line in open(os.path.join(work, n + ".json")):
        line = line.strip()
        if line.startswith("{"):
            event = json.loads(line)
            if event.get("event") == "finished":
                last = event
    s, e = map(float, open(os.path.join(work, n + ".time")).read().split())
    outcome = last["outcome"] if last else "NO RESULT"
    code = last["code"] if last else open(os.path.join(work, n + ".err")).read().strip()[:60]
    counts[outcome] = counts.get(outcome, 0) + 1
    print(f"{n:<16} {outcome:<16} {code:<22} {e - s:>6.1f}s")
    if outcome != "SUCCEEDED" and last:
        print(f"    {last['message'][:300]}")
print(f"total: {', '.join(f'{v} {k}' for k, v in sorted(counts.items()))} of {len(names)}; wall time {end - start:.1f} s")
sys.exit(0 if counts.get("SUCCEEDED", 0) == len(names) else 1)
PY
