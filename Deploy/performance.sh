#!/usr/bin/env bash
# Performance report (issue 14): runs the `fieldtally-bench` subcommands on this machine and writes
# Deploy/PERFORMANCE.md with their figures, the targets met and missed, and where the CPU goes.
#   - workers: each worker's msg/s against a kcat consume|produce pipe on the same topic, same run,
#     one instance and then two instances of each (one group); tally-validate, tally-code and
#     tally-aggregate profiled with `perf record -g` in the one-instance run;
#   - latency: produce call → published partial, p50/p99/p99.9, at 1,000 and 5,000 submissions/s;
#   - restore: tally-aggregate taking over a changelog of --respondents respondents (restore time
#     beside kcat reading the same changelog, memory per respondent, a profile of the restore), then
#     kill -9 → first partial published again (static membership);
#   - why each missed target is missed: Deploy/bench/missed-targets.md, written by hand from the
#     profiles and figures, appended to the report;
#   - intake, dashboard, store, engine: the gateway, the subscribers and the engine alone.
# Every section prints the machine's load at its start and end: the machine may be shared.
#
# Usage: Deploy/performance.sh [--messages 100000] [--rounds 2] [--respondents 1000000]
#                              [--partitions 6] [--out Deploy/PERFORMANCE.md] [--skip-build] [--only LIST]
#   --messages     submissions of the workers benchmarks (default 100,000)
#   --rounds       rounds of each worker and pipe (best reported; default 2)
#   --respondents  respondents in the restore benchmark's changelog (default 1,000,000)
#   --partitions   partitions of every topic (default 6)
#   --out          the report (default Deploy/PERFORMANCE.md); raw outputs go to a folder beside it
#   --skip-build   use the release binaries already built
#   --only         comma-separated sections to run (workers,instances,latency,restore,intake,dashboard,store,engine);
#                  the report is written from every section's newest raw output (`--only none`: rewrite it only)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

MESSAGES=100000 ROUNDS=2 RESPONDENTS=1000000 PARTITIONS=6 OUT="Deploy/PERFORMANCE.md" SKIP_BUILD=0
ONLY="workers,instances,latency,restore,intake,dashboard,store,engine"
COMMAND="Deploy/performance.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --respondents) RESPONDENTS="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "performance: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[performance] %s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
PRODUCTS=(fieldtally-bench tally-validate tally-code tally-aggregate tally-intake tally-dashboard)
if [ "$SKIP_BUILD" = 0 ]; then
  for product in "${PRODUCTS[@]}"; do log "building $product (release)"; swift build -c release --product "$product" >&2; done
fi
BIN="$(swift build -c release --show-bin-path)"
for product in "${PRODUCTS[@]}"; do
  [ -x "$BIN/$product" ] || { echo "performance: $BIN/$product is missing: build first (without --skip-build)" >&2; exit 2; }
done
command -v kcat >/dev/null || { echo "performance: kcat not found: run Deploy/setup.sh" >&2; exit 2; }
PERF=1
if ! command -v perf >/dev/null || ! perf record -q -o /dev/null -- true 2>/dev/null; then
  log "perf is not usable here: the report will have no profile (Debian: apt-get install linux-perf)"
  PERF=0
fi

# Raw outputs: a section that runs replaces its own; the report is written from all there are,
# so sections may be run apart (--only) and reported together.
RAW="${OUT%.md}-raw"
mkdir -p "$RAW"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
selected() { [[ ",$ONLY," == *",$1,"* ]]; }
# A profile is regenerated from the newest workers run's perf data when --only leaves workers out.
latest_workers_logs() { grep -o 'logs in [^ ;]*' "$RAW/workers.txt" 2>/dev/null | head -1 | cut -c9-; }

# Runs `fieldtally-bench ARGS…` at nice 5, its output to RAW/NAME.txt (and to standard error).
bench() {
  local name=$1; shift
  log "fieldtally-bench $*"
  rm -f "$RAW/$name.txt"
  echo "\$ fieldtally-bench $*" > "$RAW/$name.txt"
  if ! nice -n 5 "$BIN/fieldtally-bench" "$@" 2>&1 | tee -a "$RAW/$name.txt" >&2; then
    echo "FAILED: fieldtally-bench $1 exited non-zero (see above)" | tee -a "$RAW/$name.txt" >&2
  fi
}

# The top functions of a perf profile (self time, demangled), as report lines.
profile_top() {
  local data=$1
  perf report -i "$data" --no-children --stdio 2>/dev/null | grep -m1 '^# Samples' | sed 's/^# //' || true
  perf report -i "$data" --no-children --stdio --sort symbol --percent-limit 1 2>/dev/null \
    | swift demangle --simplified 2>/dev/null | grep -E '^ +[0-9.]+%' | cut -c1-130 | sed -e 's/ *$//' -e 's/ *- *-$//' -e '15q' || true
}

PROFILES=()
if selected workers; then
  profile_flags=()
  [ "$PERF" = 1 ] && profile_flags=(--profile tally-validate --profile tally-code --profile tally-aggregate)
  bench workers workers --messages "$MESSAGES" --rounds "$ROUNDS" --partitions "$PARTITIONS" "${profile_flags[@]}"
fi
logs="$(latest_workers_logs)"
if [ "$PERF" = 1 ] && [ -n "$logs" ]; then
  for worker in tally-validate tally-code tally-aggregate; do
    if [ -f "$logs/$worker.perf.data" ]; then profile_top "$logs/$worker.perf.data" > "$RAW/profile-$worker.txt"; fi
  done
fi
for worker in tally-validate tally-code tally-aggregate; do
  if [ -s "$RAW/profile-$worker.txt" ]; then PROFILES+=("$worker"); fi
done
selected instances && bench instances workers --messages "$MESSAGES" --rounds "$ROUNDS" --partitions "$PARTITIONS" --instances 2 --skip-pipeline
selected latency && bench latency-1000 latency --rate 1000 --seconds 30 --partitions "$PARTITIONS"
selected latency && bench latency-5000 latency --rate 5000 --seconds 20 --partitions "$PARTITIONS"
if selected restore; then
  restore_flags=()
  [ "$PERF" = 1 ] && restore_flags=(--profile)
  bench restore restore --respondents "$RESPONDENTS" --partitions "$PARTITIONS" "${restore_flags[@]}"
  logs="$(grep -o 'logs in [^ ;]*' "$RAW/restore.txt" 2>/dev/null | head -1 | cut -c9-)"
  rm -f "$RAW/profile-restore.txt"
  if [ -n "$logs" ] && [ -f "$logs/tally-aggregate.perf.data" ]; then profile_top "$logs/tally-aggregate.perf.data" > "$RAW/profile-restore.txt"; fi
fi
selected intake && bench intake intake --messages 20000 --partitions "$PARTITIONS"
selected dashboard && bench dashboard dashboard --clients 1000 --events 100
selected store && bench store store
selected engine && bench engine engine --messages "$MESSAGES"
FINISHED="$(date -u '+%Y-%m-%d %H:%M UTC')"

# --- the report -------------------------------------------------------------------------------
section() { # TITLE FILE: the bench output as a block
  [ -f "$RAW/$2.txt" ] || return 0
  printf '\n## %s\n\n```\n' "$1"
  cat "$RAW/$2.txt"
  printf '```\n'
}
# A worker's row of a workers table as RATE|PIPE|RATIO|VERDICT.
worker_row() {
  grep -E "^$2 " "$RAW/$1.txt" 2>/dev/null | head -1 | awk '{ print $3 "|" $4 "|" $5 "|" ($8 == "NOT" ? "NOT met" : "met") }'
}
targets() {
  echo "| target | measured | verdict |"
  echo "|---|---|---|"
  for worker in tally-validate tally-code tally-aggregate; do
    local row
    row="$(worker_row workers "$worker")"
    [ -n "$row" ] || continue
    IFS='|' read -r rate pipe ratio verdict <<< "$row"
    echo "| $worker ≥ 0.5× the kcat pipe | $ratio× ($rate vs $pipe msg/s) | $verdict |"
  done
  for rate in 1000 5000; do
    local line
    line="$(grep -E '^produce call → partial published' "$RAW/latency-$rate.txt" 2>/dev/null || true)"
    [ -n "$line" ] || continue
    # columns: p50 p90 p99 p99.9 max mean
    read -r p50 _ p99 p999 _ <<< "$(echo "$line" | sed 's/^produce call → partial published *//')"
    if [ "$rate" = 1000 ]; then
      verdict="$(awk -v p="$p99" 'BEGIN { print (p <= 200) ? "met" : "NOT met" }')"
      echo "| p99 ≤ 200 ms at 1,000/s | p50 $p50, p99 $p99, p99.9 $p999 ms | $verdict |"
    else
      echo "| (no target) at 5,000/s | p50 $p50, p99 $p99, p99.9 $p999 ms | - |"
    fi
  done
  if [ -f "$RAW/restore.txt" ]; then
    grep -E 'target (restore|≤ 300 B)' "$RAW/restore.txt" | sed -E 's/^ *target //; s/: (NOT met|met) \((.*)\)$/ | \2 | \1 |/; s/^/| /'
  fi
}
missed() {
  grep -h -E 'NOT met' "$RAW"/*.txt 2>/dev/null | sed -E 's/^ +//' | sort -u | sed 's/^/- /'
}
{
  echo "# FieldTally performance report"
  echo
  echo "Generated by \`$COMMAND\` from commit $COMMIT, finished $FINISHED, on $(nproc) cores"
  echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GB)."
  echo "Release builds; Tansu started by each benchmark on loopback. Every section prints the load"
  echo "average at its start and end: this machine is shared, and a loaded run is slower."
  echo "Raw outputs: \`$RAW/\`. Reproduce: \`$COMMAND\` (\`--help\` for the options). The sections"
  echo "below were run by these commands (each section's first line), in this order of their files' times:"
  echo
  for file in $(ls -tr "$RAW"/*.txt 2>/dev/null); do
    head -1 "$file" | grep -q '^\$ fieldtally-bench' && echo "- \`$(head -1 "$file" | cut -c3-)\` ($(date -u -r "$file" '+%H:%M UTC'))"
  done
  echo
  echo "## Targets"
  echo
  targets
  echo
  echo "Every line of the benchmarks that reports a missed target:"
  echo
  missed
  if [ "${#PROFILES[@]}" -gt 0 ]; then
    echo
    echo "## Where the CPU goes"
    echo
    echo "\`perf record -F 499 -g\` attached to each worker for its one-instance run (last round), self time,"
    echo "functions above 1% (\`perf report --no-children --sort symbol\`, names demangled):"
    for worker in "${PROFILES[@]}"; do
      printf '\n### %s\n\n```\n' "$worker"
      cat "$RAW/profile-$worker.txt"
      printf '```\n'
    done
  fi
  if [ -s "$RAW/profile-restore.txt" ]; then
    echo
    echo "### tally-aggregate restoring its state (the restore benchmark's first instance, from ready to published)"
    printf '\n```\n'
    cat "$RAW/profile-restore.txt"
    printf '```\n'
  fi
  if [ -f Deploy/bench/missed-targets.md ]; then
    echo
    cat Deploy/bench/missed-targets.md
  fi
  section "Workers against a kcat pipe (one instance each), and the pipeline end to end" workers
  section "Two instances of each worker (one group)" instances
  section "End-to-end latency at 1,000 submissions/s" latency-1000
  section "End-to-end latency at 5,000 submissions/s" latency-5000
  section "tally-aggregate restore and kill -9" restore
  section "tally-aggregate restore, a second size (run apart: restore --skip-kill)" restore-300k
  section "Intake gateway over HTTP against kcat -P" intake
  section "Dashboard: server-sent events to 1,000 clients" dashboard
  section "Store: rows per second on SQLite and PostgreSQL" store
  section "The engine alone (one core)" engine
} > "$OUT"
log "wrote $OUT (raw outputs in $RAW/)"
