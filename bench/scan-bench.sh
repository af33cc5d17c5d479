#!/usr/bin/env bash
# Times `fleetflash scan` against nmap's TCP connect scan on loopback blocks with listeners scattered in them.
#
# Build first (this script builds nothing):   mvn -B -DskipTests package -pl desktop -am
# Run from the repository root:               bench/scan-bench.sh
# Environment: JAR (default desktop/target/fleetflash.jar), PORT (default 22022), COUNT (listeners per
# block, default 20), RANGES (default "127.0.0.0/24 127.0.0.0/20 127.0.0.0/16"), SEED (default 7),
# RUNS (runs per scanner and block, default 3; the median wall time is shown, the listeners must be found
# in every run).
#
# Everything stays on 127.0.0.0/8: the listeners bind only there and both scanners only scan the blocks
# named in RANGES, which must lie inside 127.0.0.0/8. nmap is skipped when it is not installed.
set -euo pipefail

JAR=${JAR:-desktop/target/fleetflash.jar}
PORT=${PORT:-22022}
COUNT=${COUNT:-20}
SEED=${SEED:-7}
RUNS=${RUNS:-3}
read -r -a RANGES <<< "${RANGES:-127.0.0.0/24 127.0.0.0/20 127.0.0.0/16}"

die() { echo "scan-bench: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "$JAR not found: run 'mvn -B -DskipTests package -pl desktop -am' first"
command -v java >/dev/null || die "java not found"
for r in "${RANGES[@]}"; do
  case "$r" in 127.*) ;; *) die "$r is not inside 127.0.0.0/8: this benchmark scans loopback only" ;; esac
done
NMAP=$(command -v nmap || true)

tmp=$(mktemp -d)
lpid=""
cleanup() {
  exec 9>&- 2>/dev/null || true
  if [ -n "$lpid" ]; then wait "$lpid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "median wall time of $RUNS run(s) per scanner, whole process; found = listeners found in the worst run"
printf '%-16s %-11s %9s %8s   %9s %8s   %s\n' range scanner seconds found "nmap s" found "nmap/fleetflash"
for range in "${RANGES[@]}"; do
  mkfifo "$tmp/in"
  java -cp "$JAR" org.fleetflash.cli.ScanBenchListeners "$range" "$COUNT" "$PORT" "$SEED" < "$tmp/in" > "$tmp/listeners" 2>&1 &
  lpid=$!
  exec 9> "$tmp/in"
  for _ in $(seq 1 300); do
    grep -q '^ready' "$tmp/listeners" && break
    kill -0 "$lpid" 2>/dev/null || die "listeners for $range failed: $(cat "$tmp/listeners") (port $PORT in use? set PORT=...)"
    sleep 0.1
  done
  grep -q '^ready' "$tmp/listeners" || die "listeners for $range not ready after 30 s"
  sed -n 's/^listening //p' "$tmp/listeners" | sort > "$tmp/expected"

  ff_found=$COUNT
  : > "$tmp/ff.times"
  for _ in $(seq 1 "$RUNS"); do
    t0=$(now_ns)
    java -jar "$JAR" scan "$range" --port "$PORT" > "$tmp/ff.out"
    t1=$(now_ns)
    echo $((t1 - t0)) >> "$tmp/ff.times"
    grep -oE '^127\.[0-9.]+:[0-9]+' "$tmp/ff.out" | sort > "$tmp/ff.found"
    n=$(comm -12 "$tmp/expected" "$tmp/ff.found" | wc -l)
    [ "$n" -lt "$ff_found" ] && ff_found=$n
  done
  ff_ns=$(median < "$tmp/ff.times")
  ff_all=$([ "$ff_found" -eq "$COUNT" ] && echo all || echo MISSED)

  if [ -n "$NMAP" ]; then
    nm_found=$COUNT
    : > "$tmp/nm.times"
    for _ in $(seq 1 "$RUNS"); do
      t0=$(now_ns)
      "$NMAP" -n -Pn -sT -p "$PORT" --open -oG "$tmp/nmap.out" "$range" > /dev/null
      t1=$(now_ns)
      echo $((t1 - t0)) >> "$tmp/nm.times"
      grep -oE "Host: 127\.[0-9.]+ .*Ports: $PORT/open" "$tmp/nmap.out" | awk -v p="$PORT" '{ print $2 ":" p }' | sort > "$tmp/nm.found"
      n=$(comm -12 "$tmp/expected" "$tmp/nm.found" | wc -l)
      [ "$n" -lt "$nm_found" ] && nm_found=$n
    done
    nm_ns=$(median < "$tmp/nm.times")
    nm_all=$([ "$nm_found" -eq "$COUNT" ] && echo all || echo MISSED)
    ratio=$(awk -v a="$nm_ns" -v b="$ff_ns" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-16s %-11s %9s %4d/%-3d   %9s %4d/%-3d   %s  (fleetflash %s, nmap %s)\n' "$range" fleetflash "$(secs $ff_ns)" \
      "$ff_found" "$COUNT" "$(secs $nm_ns)" "$nm_found" "$COUNT" "$ratio" "$ff_all" "$nm_all"
  else
    printf '%-16s %-11s %9s %4d/%-3d   %9s %8s   %s  (fleetflash %s)\n' "$range" fleetflash "$(secs $ff_ns)" \
      "$ff_found" "$COUNT" "-" "-" "nmap not installed" "$ff_all"
  fi
  tail -n 1 "$tmp/ff.out" | sed 's/^/    fleetflash: /'

  exec 9>&-
  wait "$lpid" || true
  lpid=""
  rm -f "$tmp/in"
done
