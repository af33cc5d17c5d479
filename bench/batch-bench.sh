#!/usr/bin/env bash
# One batch of many routers: what the orchestrator costs on the laptop.
#
# Starts COUNT (default 100) unthrottled simulated TL-WDR3600 routers in one simulator JVM (addresses
# 127.0.13.1 and up, reboot delay 1 s), then upgrades all of them with ONE `fleetflash upgrade --targets` batch in a
# second JVM (--concurrency CONCURRENCY, default 16), with the JVM options ./fleetflash starts a command with
# (desktop/jvm.options and desktop/jvm-commands.options). Prints the wall time, the laptop side's CPU time per router
# (the upgrade JVM's user+system time, also with the JVM's own start-up cost taken out, and in steady state: the CPU
# spent from the moment a quarter of the routers had finished to the last one finished, per router finished in
# between, when the JIT has compiled the hot code: the target figure; and how much of it the JIT compiler threads still
# took, a cost of the process that a longer batch spreads thinner), its peak heap after GC and its peak resident
# memory, the image server's throughput, and the outcomes.
# Targets: <= 50 ms of laptop CPU per router; COUNT of COUNT SUCCEEDED; wall time bound by the simulators
# (the simulator JVM's CPU time is printed next to the orchestrator's for that comparison).
#
# Exit status: 0 when every router SUCCEEDED, 1 otherwise, 2 when the bench could not run.
# Run after `mvn -B -DskipTests package`. Everything binds to 127.0.13.x; nothing else is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-desktop/target/fleetflash.jar}
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
# the simulated flasher sends its telemetry with nc: without it the laptop hears nothing during FLASH and does less,
# so figures taken without nc are not comparable with those taken with it (CI and real routers have it)
command -v nc >/dev/null 2>&1 \
    || echo "note: no nc here (apt-get install netcat-openbsd): the simulated routers send no flash telemetry, so the laptop's CPU figures come out lower than with it" >&2
COUNT=${COUNT:-100}
CONCURRENCY=${CONCURRENCY:-16}
work=$(mktemp -d)
sim_pid=
batch_pid=
cleanup() {
    if [ -n "$batch_pid" ]; then
        pkill -TERM -P "$batch_pid" 2>/dev/null || true # the upgrade JVM under GNU time
        kill "$batch_pid" 2>/dev/null || true
        wait "$batch_pid" 2>/dev/null || true
    fi
    if [ -n "$sim_pid" ]; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu_seconds() { # user+system seconds of a running process, from /proc
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
# (the upgrade JVM keeps its compiler threads, -XX:-UseDynamicNumberOfCompilerThreads: one that ended would take its CPU
# seconds out of /proc, and the JIT figure below could come out negative)
jit_seconds() { # user+system seconds of a JVM's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"), from /proc
    cat /proc/"$1"/task/*/stat 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '
        /\(C[12] CompilerThre/ { sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%.2f", s / hz }'
}

java -jar "$JAR" sim image --profile tl-wdr3600 --version batch-1 --out "$work/fw.bin" >/dev/null

java -jar "$JAR" sim --profile tl-wdr3600 --count "$COUNT" --address 127.0.13.1 --port 0 --state-dir "$work/state" \
    --flash-write-bps 0 --reboot-delay 1 >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 600); do
    [ "$(wc -l <"$work/sim.out")" -ge "$COUNT" ] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "the simulator stopped:" >&2; cat "$work/sim.err" >&2; exit 2; }
    sleep 0.5
done
[ "$(wc -l <"$work/sim.out")" -ge "$COUNT" ] || { echo "the simulator did not start $COUNT routers in 300 s" >&2; exit 2; }
read -r _name _endpoint user password <"$work/sim.out"
printf '%s\n' "$password" >"$work/pw"
chmod 600 "$work/pw"
awk '{ print $2 }' "$work/sim.out" >"$work/targets"

# the JVM's own start-up and shut-down cost, to set apart from the per-router cost
/usr/bin/time -f "%U %S" -o "$work/base.time" java @desktop/jvm.options @desktop/jvm-commands.options -jar "$JAR" --version >/dev/null
base_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/base.time")
thread_groups() { # CPU seconds of a JVM's live threads, summed per name with its numbers left out, biggest first
    for t in /proc/"$1"/task/*/stat; do cat "$t" 2>/dev/null; done | awk -v hz="$(getconf CLK_TCK)" '
        { name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) .*$/, "", name); gsub(/[0-9]+/, "N", name)
          rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); s[name] += (f[12] + f[13]) / hz }
        END { for (n in s) if (s[n] >= 0.01) printf "%.2f %s\n", s[n], n }' | sort -rn
}

echo "FleetFlash batch bench: $COUNT unthrottled simulated tl-wdr3600 routers, one batch, concurrency $CONCURRENCY, $(nproc) cores"
sim_cpu_before=$(cpu_seconds "$sim_pid")
start=$(date +%s.%N)
/usr/bin/time -f "%U %S %M" -o "$work/batch.time" \
    java @desktop/jvm.options @desktop/jvm-commands.options -XX:-UseDynamicNumberOfCompilerThreads -Xlog:gc:file="$work/gc.log" ${UPGRADE_JVM_OPTS:-} \
        -jar "$JAR" upgrade --targets "$work/targets" --user "$user" \
        --password-file "$work/pw" --accept-new-host-key --data-dir "$work/data" --image "$work/fw.bin" \
        --layout "kernel rootfs" --concurrency "$CONCURRENCY" --json-events >"$work/events.json" 2>"$work/batch.err" &
batch_pid=$!
# every half second: routers finished so far, and the upgrade JVM's CPU seconds (for the steady-state figure)
: >"$work/cpu.samples"
while kill -0 "$batch_pid" 2>/dev/null; do
    java_pid=$(pgrep -P "$batch_pid" java || true)
    if [ -n "$java_pid" ] && [ -r "/proc/$java_pid/stat" ]; then
        done_now=$(grep -c '"event":"finished"' "$work/events.json" || true)
        printf '%s %s %s\n' "$done_now" "$(cpu_seconds "$java_pid" 2>/dev/null || echo -)" "$(jit_seconds "$java_pid")" >>"$work/cpu.samples"
        thread_groups "$java_pid" >"$work/threads.next" 2>/dev/null && [ -s "$work/threads.next" ] && mv "$work/threads.next" "$work/threads"
    fi
    sleep 0.5
done
status=0
wait "$batch_pid" || status=$?
batch_pid=
end=$(date +%s.%N)
sim_cpu_after=$(cpu_seconds "$sim_pid")

# (GNU time puts "Command exited with non-zero status N" before its figures when the batch did not all succeed)
read -r user_s sys_s max_rss_kb < <(tail -n 1 "$work/batch.time")
# peak heap in use after a collection, from the GC log ("...M->NM(TM)")
peak_heap=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1)
last=$(tail -n 1 "$work/events.json")
succeeded=$(printf '%s' "$last" | grep -oE '"succeeded":[0-9]+' | cut -d: -f2)
bytes=$(printf '%s' "$last" | grep -oE '"bytesServed":[0-9]+' | cut -d: -f2)
# steady state: from the first sample with a quarter of the routers finished to the last sample with the most
read -r f1 c1 j1 < <(awk -v q=$(((COUNT + 3) / 4)) '$2 != "-" && $1 >= q { print $1, $2, $3; exit }' "$work/cpu.samples")
read -r f2 c2 j2 < <(awk '$2 != "-" && $1 > m { m = $1; l = $1 " " $2 " " $3 } END { print l }' "$work/cpu.samples")
awk -v f1="${f1:-0}" -v c1="${c1:-0}" -v f2="${f2:-0}" -v c2="${c2:-0}" -v j1="${j1:-0}" -v j2="${j2:-0}" -v s="$start" -v e="$end" -v u="$user_s" -v y="$sys_s" -v b="$base_cpu" -v n="$COUNT" -v rss="$max_rss_kb" \
    -v heap="${peak_heap:-?}" -v ok="${succeeded:-0}" -v bytes="${bytes:-0}" -v s0="$sim_cpu_before" -v s1="$sim_cpu_after" '
BEGIN {
    wall = e - s; cpu = u + y;
    printf "wall time                 %.1f s (%.2f s per router at this concurrency)\n", wall, wall / n;
    printf "laptop CPU (upgrade JVM)  %.2f s: %.1f ms per router; without the JVM start-up (%.2f s): %.1f ms per router\n",
        cpu, 1000 * cpu / n, b, 1000 * (cpu - b) / n;
    printf "                          of which in the kernel (system time: system calls, thread switches) %.2f s, %.0f %%\n", y, 100 * y / cpu;
    if (f2 > f1) {
        printf "  in steady state          %.1f ms per router (%.2f s of CPU from the %dth router finished to the %dth, once\n", 1000 * (c2 - c1) / (f2 - f1), c2 - c1, f1, f2;
        printf "                           the JIT has compiled the hot code; the target figure)\n";
        printf "    of which JIT compiling %.1f ms per router (the C1 and C2 compiler threads; a cost per process, not per router,\n", 1000 * (j2 - j1) / (f2 - f1);
        printf "                           which a longer batch spreads thinner)\n";
    }
    printf "simulators CPU            %.2f s (the routers side, for comparison)\n", s1 - s0;
    printf "peak heap after GC        %s MiB; peak resident memory %.0f MiB\n", heap, rss / 1024;
    printf "image server              %.1f MiB served, %.1f MiB/s over the batch\n", bytes / 1048576, bytes / 1048576 / wall;
    printf "outcome                   %d of %d SUCCEEDED\n", ok, n;
}'
# where the CPU went, for the threads alive at the last sample (each router's own upgrade thread has ended by then)
if [ -s "$work/threads" ]; then
    echo "CPU by thread, at the last sample (threads that ended are not counted):"
    head -n 8 "$work/threads" | awk '{ v = $1; $1 = ""; printf "  %7.2f s %s\n", v, substr($0, 2) }'
fi
if [ "$status" -ne 0 ] || [ "${succeeded:-0}" -ne "$COUNT" ]; then
    echo "not every router succeeded (exit status $status); the batch's last lines:" >&2
    tail -n 3 "$work/batch.err" >&2 || true
    grep '"event":"finished"' "$work/events.json" | grep -v '"outcome":"SUCCEEDED"' | head -n 5 >&2 || true
    exit 1
fi
