#!/usr/bin/env bash
# The window, headless (Monocle, as the window's tests run it): how long it takes to open, and how long its FX thread
# stalls while a batch of many routers reports at once.
#
# 1. Start-up: runs the application as a user starts it (`fleetflash` without arguments: the built jar with the class
#    data sharing archive made beside it, as run-demo.sh passes it (decision 0020), plus Monocle for the headless
#    screen, with a data directory and configuration of its own under a temporary directory) RUNS times (default 5)
#    after one untimed warm-up, and times each from the command to the first frame laid out after the window opened
#    (the application prints that moment when -Dfleetflash.printWindowShown=true). Prints min and median.
#    Target: median <= 1.5 s. The same starts without the archive are timed too, for comparison. The window opens before its history and services (decision 0017);
#    the time to the first frame of the full window (history and services attached, every action enabled) is printed
#    too, for information.
# 2. FX pauses: starts ROUTERS (default 200) simulated TL-WDR3600 in one simulator JVM (127.0.58.1 and up, flash
#    writes unthrottled, reboot delay 1 s; at nice SIM_NICE, default 19: they stand for routers whose CPUs are not the
#    laptop's, so they take only the CPU that the window leaves; --sim-nice 0 lets them compete), opens the real window on them in another JVM
#    (org.fleetflash.bench.UiBatchBench, test scope) and upgrades them all as a technician would: image, every router
#    checked, Upgrade, login, pre-flight, Routers at once = CONCURRENCY (default 16), confirm. After MINUTES
#    (default 5) the batch is cancelled; the figures cover what ran. A heartbeat posted to the FX thread every 10 ms
#    measures how late it runs: the longest, the 99th percentile and the stalls over 100 ms (each with its length, its
#    time into the phase and its UTC time, to find it in a JFR recording made with UI_JVM_OPTS), per phase; the FX thread's
#    stack is sampled while it is late. Also the longest GC pause and the heap. Target: no stall over 100 ms, GC pauses
#    included (a GC pause stops the FX thread too).
#
# Usage: bench/ui-bench.sh [--routers N] [--minutes M] [--concurrency C] [--runs R] [--sim-nice 0..19] [--no-build]
#   --routers 0 skips the batch; --runs 0 skips the start-up. Without --no-build it builds first with
#   mvn $MVN_FLAGS -pl desktop -am -DskipTests package dependency:build-classpath (MVN_FLAGS defaults to "-q -o").
#   UI_JVM_OPTS adds options to the window JVM of the batch (a JFR recording, GC settings); KEEP=1 keeps its work folder.
# Exit status: 0 when both targets are met, 1 when one is missed, 2 when the bench could not run.
# Everything binds to 127.0.58.x (routers) and loopback (the image server); nothing else is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUTERS=200
MINUTES=5
CONCURRENCY=16
RUNS=5
BUILD=1
SIM_NICE=19
while [ $# -gt 0 ]; do
    case "$1" in
        --routers) ROUTERS=$2; shift 2 ;;
        --minutes) MINUTES=$2; shift 2 ;;
        --concurrency) CONCURRENCY=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --sim-nice) SIM_NICE=$2; shift 2 ;;
        --no-build) BUILD=; shift ;;
        *) echo "usage: $0 [--routers N] [--minutes M] [--concurrency C] [--runs R] [--sim-nice 0..19] [--no-build]" >&2; exit 2 ;;
    esac
done
[ "$ROUTERS" -ge 0 ] && [ "$ROUTERS" -le 254 ] || { echo "--routers must be 0..254 (127.0.58.1 and up)" >&2; exit 2; }
[ "$SIM_NICE" -ge 0 ] && [ "$SIM_NICE" -le 19 ] || { echo "--sim-nice must be 0..19" >&2; exit 2; }

if [ -n "$BUILD" ]; then
    # shellcheck disable=SC2086
    mvn ${MVN_FLAGS:--q -o} -pl desktop -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2 \
        || { echo "the build failed" >&2; exit 2; }
fi
[ -f desktop/target/bench.classpath ] && [ -d desktop/target/test-classes ] \
    || { echo "build first: mvn -q -pl desktop -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath" >&2; exit 2; }
CP="desktop/target/test-classes:desktop/target/classes:$(cat desktop/target/bench.classpath)"
# the window's tests' JVM flags (the parent pom's test.jvm.args and the desktop pom's failsafe geometry)
FX=(-Dtestfx.headless=true -Dprism.order=sw -Dglass.platform=Monocle -Dmonocle.platform=Headless -Djava.awt.headless=true
    -Dheadless.geometry=1366x768-32 -Djavafx.cachedir="$PWD/desktop/target/javafx-cache")

work=$(mktemp -d)
app_pid=
sim_pid=
bench_pid=
cleanup() {
    for pid in $app_pid $bench_pid $sim_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${KEEP:-}" ] || rm -rf "$work"; [ -z "${KEEP:-}" ] || echo "kept $work" >&2
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# app_line KEY TRIES: the value of the application's "KEY value" line, waiting up to TRIES x 50 ms while it runs
app_line() {
    for _ in $(seq 1 "$2"); do
        grep -q "^$1 " "$work/app.out" && break
        kill -0 "$app_pid" 2>/dev/null || break
        sleep 0.05
    done
    sed -n "s/^$1 //p" "$work/app.out"
}
# the Monocle jar on the build's class path (read by awk from the file: a pipe into grep -m1 could end its writer with
# SIGPIPE, which pipefail turned into the bench's exit)
monocle_jar() { awk -v RS=: '/\/openjfx-monocle-/ { sub(/\n$/, ""); print; exit }' desktop/target/bench.classpath; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
status=0
echo "FleetFlash window bench, headless (Monocle, software rendering), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. from the command to the first frame of the window
# starts: RUNS + 1 starts (the first one untimed: the history is created, JavaFX's natives are unpacked) of the window
# with the given java options, as a user starts it but headless; the times go to $work/{start,ready}.times
starts() {
    : >"$work/start.times"
    : >"$work/ready.times"
    for i in $(seq 0 "$RUNS"); do
        start_ms=$(date +%s%3N)
        FLEETFLASH_DATA_DIR="$work/start-data" XDG_CONFIG_HOME="$work/config" \
            java "@desktop/jvm.options" "$@" "${FX[@]}" -Dfleetflash.printWindowShown=true -cp "$JAR_CP" org.fleetflash.app.Main \
            >"$work/app.out" 2>"$work/app.err" &
        app_pid=$!
        shown_ms=$(app_line fleetflash-window-shown 600)
        ready_ms=
        [ -z "$shown_ms" ] || ready_ms=$(app_line fleetflash-window-ready 1200)
        kill "$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
        app_pid=
        [ -n "$shown_ms" ] || { echo "the window did not open within 30 s:" >&2; cat "$work/app.err" >&2; exit 2; }
        [ -n "$ready_ms" ] || { echo "the window did not become the full window within 60 s:" >&2; cat "$work/app.err" >&2; exit 2; }
        [ "$i" -eq 0 ] || echo $((shown_ms - start_ms)) >>"$work/start.times"
        [ "$i" -eq 0 ] || echo $((ready_ms - start_ms)) >>"$work/ready.times"
    done
}
seconds() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
if [ "$RUNS" -gt 0 ]; then
    [ -f desktop/target/fleetflash.jar ] && [ -f desktop/target/fleetflash.jsa ] \
        || { echo "build first: mvn -B -DskipTests package (the jar and its class data sharing archive)" >&2; exit 2; }
    # the jar as ./fleetflash (and run-demo.sh) starts it, with its JVM options, with Monocle added for the headless screen (an appended class path entry
    # keeps the archive usable)
    JAR_CP="desktop/target/fleetflash.jar:$(monocle_jar)"
    mkdir -p "$work/config"
    starts -Xshare:on -XX:SharedArchiveFile=desktop/target/fleetflash.jsa
    min_ms=$(sort -n "$work/start.times" | head -n 1)
    med_ms=$(median <"$work/start.times")
    printf 'start-up                  min %s s, median %s s of %d runs (%s ms; after one warm-up); target <= 1.50 s: %s\n' \
        "$(seconds "$min_ms")" "$(seconds "$med_ms")" "$RUNS" "$(paste -sd' ' "$work/start.times")" \
        "$([ "$med_ms" -le 1500 ] && echo met || echo MISSED)"
    printf 'full window (information)  min %s s, median %s s (%s ms)\n' "$(seconds "$(sort -n "$work/ready.times" | head -n 1)")" \
        "$(seconds "$(median <"$work/ready.times")")" "$(paste -sd' ' "$work/ready.times")"
    [ "$med_ms" -le 1500 ] || status=1
    # for comparison: the same jar without the archive (a java -jar by hand)
    starts -Xshare:auto
    printf 'without the archive       median %s s to the window, %s s to the full window (information)\n' \
        "$(seconds "$(median <"$work/start.times")")" "$(seconds "$(median <"$work/ready.times")")"
fi

# ---- 2. the FX thread while a batch of ROUTERS reports
if [ "$ROUTERS" -gt 0 ]; then
    java -cp "$CP" org.fleetflash.app.Main sim image --profile tl-wdr3600 --version ui-bench-2 --out "$work/fw.bin" >/dev/null
    # the simulated routers stand for routers elsewhere on the LAN, whose CPUs are not the laptop's: they run at the
    # lowest CPU priority (--sim-nice, default 19), so that they take only what the window leaves
    nice -n "$SIM_NICE" java -cp "$CP" org.fleetflash.app.Main sim --profile tl-wdr3600 --count "$ROUTERS" --address 127.0.58.1 --port 0 \
        --state-dir "$work/state" --flash-write-bps 0 --reboot-delay 1 >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 1 1200); do
        [ "$(wc -l <"$work/sim.out")" -ge "$ROUTERS" ] && break
        kill -0 "$sim_pid" 2>/dev/null || { echo "the simulator stopped:" >&2; cat "$work/sim.err" >&2; exit 2; }
        sleep 0.5
    done
    [ "$(wc -l <"$work/sim.out")" -ge "$ROUTERS" ] || { echo "the simulator did not start $ROUTERS routers in 600 s" >&2; exit 2; }

    # the window's JVM runs the application's jar with its class data sharing archive, as a user starts it (decision
    # 0020), plus Monocle and the bench's own classes appended (appended entries keep the archive usable)
    if [ -f desktop/target/fleetflash.jar ] && [ -f desktop/target/fleetflash.jsa ]; then
        WINDOW_CP="desktop/target/fleetflash.jar:$(monocle_jar):desktop/target/test-classes"
        WINDOW_JVM=(-Xshare:auto -XX:SharedArchiveFile=desktop/target/fleetflash.jsa)
    else
        echo "note: no desktop/target/fleetflash.jar and .jsa (mvn -B -DskipTests package): the window runs from the classes, without the archive" >&2
        WINDOW_CP=$CP
        WINDOW_JVM=()
    fi
    echo "batch: $ROUTERS simulated tl-wdr3600 (unthrottled flash, nice $SIM_NICE), Routers at once $CONCURRENCY, cancelled after $MINUTES min"
    : >"$work/bench.err" # there before tail follows it
    # shellcheck disable=SC2086 # UI_JVM_OPTS: extra options of the window's JVM (a JFR recording, GC settings), word-split
    java "@desktop/jvm.options" "${WINDOW_JVM[@]}" "${FX[@]}" -Xlog:gc:file="$work/gc.log" ${UI_JVM_OPTS:-} -cp "$WINDOW_CP" org.fleetflash.bench.UiBatchBench "$work/sim.out" "$work/fw.bin" \
        "$CONCURRENCY" "$MINUTES" "$work/data" "$work/config" >"$work/bench.out" 2>"$work/bench.err" &
    bench_pid=$!
    tail -f --pid="$bench_pid" "$work/bench.err" >&2 &
    bench_status=0
    wait "$bench_pid" || bench_status=$?
    bench_pid=
    cat "$work/bench.out"
    [ -s "$work/bench.out" ] || { echo "the window bench failed (status $bench_status)" >&2; exit 2; }
    # "... Pause Young (Normal) (G1 Evacuation Pause) 50M->12M(256M) 4.321ms"
    gc_max=$(grep -oE 'Pause.* [0-9.]+ms$' "$work/gc.log" | grep -oE '[0-9.]+ms$' | tr -d ms | sort -g | tail -n 1)
    gc_peak=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -n 1)
    printf 'GC                        longest pause %s ms, %d pauses; peak heap after GC %s MiB\n' "${gc_max:-?}" \
        "$(grep -c 'Pause' "$work/gc.log" || true)" "${gc_peak:-?}"
    longest=$(sed -n 's/^  whole run .* longest *\([0-9.]*\) ms.*/\1/p' "$work/bench.out")
    # a GC pause stops the FX thread too, and the heartbeat's own timer with it: a beat is rarely waiting when the
    # pause begins, so the heartbeat alone can miss a pause of the whole process. The verdict counts both.
    if awk -v l="${longest:-1e9}" -v g="${gc_max:-0}" 'BEGIN { exit !(l <= 100 && g <= 100) }'; then
        echo "target: no FX stall over 100 ms: met (longest ${longest} ms; longest GC pause ${gc_max:-?} ms)"
    else
        echo "target: no FX stall over 100 ms: MISSED (longest ${longest:-?} ms; longest GC pause ${gc_max:-?} ms, which stops the FX thread too)"
        status=1
    fi
    [ "$bench_status" -eq 0 ] || { echo "the window bench stopped early (status $bench_status): see 'stopped early' above" >&2; status=2; }
fi
exit "$status"
