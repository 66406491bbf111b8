#!/usr/bin/env bash
# Reliability soak and fuzz; writes Deploy/RELIABILITY.md (its command line and date included).
#
# One run on a fresh Tansu broker:
#   - a synthetic stream (`fieldtally-bench generate`: the sample repeated with fresh respondents;
#     the sample's 19 faulty messages of 88 are repeated with it, 21.6%) of at least --messages;
#   - the three workers (one instance each) and tally-store (SQLite) consume it while `tally submit`
#     sends it at --pace, and meanwhile: --kills SIGKILLs of random workers and of the store, each
#     restarted 0.5-3 s later; the broker frozen with SIGSTOP for --pause seconds, then SIGCONT; a
#     second instance of each worker started and, later, stopped (SIGTERM), so every group grows
#     from 1 to 2 instances and back;
#   - then checks: `tally tallies` equals `tally offline` of the same stream exactly (the rules of
#     Deploy/compare-tallies.py: every key but as_of and partitions), read
#     twice; the store's `tally export` equals it; the dead letters (`tally rejected`) equal the
#     offline rejections one by one, and by reason the faults injected (the sample's rejections
#     times the copies); no process ended on its own; nothing is left running;
#   - every process's resident memory and consumer lag sampled every 2 s (samples.csv) and drawn
#     as Deploy/reliability-chart.svg;
#   - `fieldtally-bench fuzz`: --fuzz fuzzed messages through the engine, outcomes by kind.
# Exits non-zero when a check fails (the report is written either way).
#
# Usage: Deploy/reliability.sh [--messages 500000] [--pace 1500] [--kills 24] [--pause 30]
#                              [--partitions 3] [--fuzz 100000] [--seed 2018] [--debug]
#                              [--skip-build] [--keep] [--report Deploy/RELIABILITY.md]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"
COMMAND_LINE="Deploy/reliability.sh $*"

MESSAGES=500000 PACE=1500 KILLS=24 PAUSE=30 PARTITIONS=3 FUZZ=100000 SEED=2018 CONFIG=release
SKIP_BUILD=0 KEEP=0 REPORT="$FIELDTALLY_ROOT/Deploy/RELIABILITY.md"
CATCH_UP_TIMEOUT=1800
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    --pace) PACE="$2"; shift 2 ;;
    --kills) KILLS="$2"; shift 2 ;;
    --pause) PAUSE="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --fuzz) FUZZ="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --debug) CONFIG=debug; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    --report) REPORT="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "reliability: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
CHART="$(dirname "$REPORT")/reliability-chart.svg"

log() { printf '[reliability %s] %s\n' "$(date -u +%T)" "$*" >&2; }
command -v tansu >/dev/null || { echo "reliability: tansu not found: run Deploy/setup.sh" >&2; exit 2; }
PRODUCTS=(tally tally-validate tally-code tally-aggregate tally-store fieldtally-bench)
if [ "$SKIP_BUILD" = 0 ]; then
  log "building ($CONFIG)"
  for product in "${PRODUCTS[@]}"; do nice -n 5 swift build -c "$CONFIG" --product "$product" >&2; done
fi
BIN="$FIELDTALLY_ROOT/.build/$CONFIG"
for product in "${PRODUCTS[@]}"; do
  [ -x "$BIN/$product" ] || { echo "reliability: $BIN/$product is missing: build first (without --skip-build)" >&2; exit 2; }
done
COMPARE="$FIELDTALLY_ROOT/Deploy/compare-tallies.py"
HERE="$FIELDTALLY_ROOT/Deploy/reliability"

WORK="$(mktemp -d /tmp/fieldtally-reliability.XXXXXX)"
mkdir -p "$WORK/procs" "$WORK/logs"
STARTED_AT="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
T0="$(date +%s.%N)"
export RELIABILITY_T0="$T0"
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
event() { echo "$(elapsed),$1,$2" >>"$WORK/events.csv"; }
echo "seconds,event,target" >"$WORK/events.csv"

BROKER_PID="" SUBMIT_PID="" SAMPLER_PID=""
declare -A PID=() PORT=()
declare -a DIED=() HELPERS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start SLOT: slot names are <stage>-<n> (validate-1, code-2, …) and store.
start() {
  local slot="$1" program port
  case "$slot" in
    store) program=tally-store ;;
    *) program="tally-${slot%-*}" ;;
  esac
  port="$(free_port)"
  local extra=()
  [ "$slot" = store ] && extra=(--database "$WORK/store.sqlite")
  echo "--- started $(date -u +%FT%T.%3NZ)" >>"$WORK/logs/$slot.log"
  "$BIN/$program" --http-port "$port" --http-host 127.0.0.1 "${extra[@]}" >>"$WORK/logs/$slot.log" 2>&1 &
  PID[$slot]=$!
  PORT[$slot]=$port
  echo "${PID[$slot]} $port" >"$WORK/procs/$slot"
  event start "$slot"
}

# alive SLOT: its process runs; records it as died on its own when it has exited.
alive() {
  local slot="$1"
  [ -n "${PID[$slot]:-}" ] || return 1
  if kill -0 "${PID[$slot]}" 2>/dev/null; then return 0; fi
  DIED+=("$slot exited on its own at $(elapsed) s (see logs/$slot.log)")
  unset "PID[$slot]"
  rm -f "$WORK/procs/$slot"
  return 1
}

kill_slot() { # kill_slot SLOT SIGNAL: SIGKILL, or SIGTERM with up to 30 s to exit before SIGKILL
  local slot="$1" signal="$2" pid="${PID[$1]}"
  kill "-$signal" "$pid" 2>/dev/null || true
  if [ "$signal" != KILL ]; then
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  echo "--- $signal at $(elapsed) s" >>"$WORK/logs/$1.log"
  unset "PID[$slot]"
  rm -f "$WORK/procs/$slot"
}

stop_all() {
  touch "$WORK/stop-sampling"
  local pids=("${HELPERS[@]}") slot pid
  for slot in "${!PID[@]}"; do pids+=("${PID[$slot]}"); done
  [ -n "$SUBMIT_PID" ] && pids+=("$SUBMIT_PID")
  [ -n "$BROKER_PID" ] && kill -CONT "$BROKER_PID" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ -n "$SAMPLER_PID" ] && { wait "$SAMPLER_PID" 2>/dev/null || true; }
  if [ -n "$BROKER_PID" ]; then kill -KILL "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  PID=(); HELPERS=(); SUBMIT_PID=""; BROKER_PID=""; SAMPLER_PID=""
}

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  local left
  left="$(pgrep -af "^$BIN/(tally|tally-validate|tally-code|tally-aggregate|tally-store)( |$)" || true)"
  [ -n "${BROKER_PORT:-}" ] && left+="$(pgrep -af "tansu broker --listener-url tcp://127.0.0.1:$BROKER_PORT " || true)"
  if [ -n "$left" ]; then log "ORPHANS left running:"; echo "$left" >&2; status=1; fi
  if [ "$KEEP" = 1 ] || [ "$status" != 0 ]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ── input ──────────────────────────────────────────────────────────────────────────────────────
SAMPLE_LINES="$(grep -c '' Schemas/wwc-csc-2018/sample/stream.tsv)"
COPIES=$(( (MESSAGES + SAMPLE_LINES - 1) / SAMPLE_LINES ))
log "generating $COPIES copies of the $SAMPLE_LINES-message sample (seed $SEED)"
"$BIN/fieldtally-bench" generate --copies "$COPIES" --seed "$SEED" --out "$WORK/data" >"$WORK/generate.log"
STREAM="$WORK/data/stream.tsv"
SCHEMAS="$WORK/data/schemas"
N="$(grep -c '' "$STREAM")"
# The offline tally and rejections run beside the soak (they are needed only for the checks).
log "offline tally of $N messages (in the background)"
nice -n 5 "$BIN/tally" offline "$STREAM" --schemas "$SCHEMAS" --format json --quiet >"$WORK/expected.json" 2>"$WORK/logs/offline.log" &
OFFLINE_PIDS=($!)
nice -n 5 "$BIN/tally" offline "$STREAM" --schemas "$SCHEMAS" --rejected --quiet >"$WORK/expected-rejected.jsonl" 2>>"$WORK/logs/offline.log" &
OFFLINE_PIDS+=($!)
HELPERS+=("${OFFLINE_PIDS[@]}")
# The fuzz (no broker: the engine alone) runs beside the soak too.
log "fuzz: $FUZZ inputs through the engine (in the background)"
nice -n 5 "$BIN/fieldtally-bench" fuzz --inputs "$FUZZ" >"$WORK/fuzz.txt" 2>&1 &
FUZZ_PID=$!
HELPERS+=("$FUZZ_PID")
# The injected faults: every rejection expected.json lists for the sample, once per copy.
python3 - Schemas/wwc-csc-2018/sample/expected.json "$COPIES" >"$WORK/injected.json" <<'PY'
import collections, json, sys
outcomes = json.load(open(sys.argv[1]))["message_outcomes"]
reasons = collections.Counter(o["reason"] for o in outcomes if o["outcome"] == "rejected")
print(json.dumps({r: n * int(sys.argv[2]) for r, n in sorted(reasons.items())}))
PY

# ── broker, workers, store, sampler ────────────────────────────────────────────────────────────
BROKER_PORT="$(free_port)"
BROKERS="127.0.0.1:$BROKER_PORT"
tansu broker --listener-url "tcp://$BROKERS" --advertised-listener-url "tcp://$BROKERS" >"$WORK/logs/tansu.log" 2>&1 &
BROKER_PID=$!
echo "$BROKER_PID 0" >"$WORK/procs/tansu"
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null && break; sleep 0.1; done
export TALLY_BROKERS="$BROKERS" TALLY_SCHEMAS="$SCHEMAS" TALLY_LOG_FORMAT=json TALLY_PARTITIONS="$PARTITIONS"
export TALLY_KAFKA_PROPERTIES="session.timeout.ms=6000,heartbeat.interval.ms=500"
"$BIN/tally" topics create >"$WORK/logs/topics.log" 2>&1
python3 "$HERE/sampler.py" "$WORK/procs" "$WORK/samples.csv" "$WORK/stop-sampling" 2 "$WORK/logs/submit.log" "$WORK/watch.txt" &
SAMPLER_PID=$!
# What the published tallies have received, every 2 s (for the end-to-end backlog of the chart);
# `tally watch` gives up when the broker stops answering, so it is started again until stopped.
(
  child=""
  trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
  while :; do
    "$BIN/tally" watch --interval 2 >>"$WORK/watch.txt" 2>>"$WORK/logs/watch-background.log" &
    child=$!
    wait "$child" || true
    sleep 1
  done
) &
WATCH_PID=$!
HELPERS+=("$WATCH_PID")
for slot in validate-1 code-1 aggregate-1 store; do start "$slot"; done

# ── the schedule ───────────────────────────────────────────────────────────────────────────────
# Over the submission's expected duration D: the scale-ups at 15/20/25% of D, the scale-downs at
# 60/65/70%, the pause at 40%, and KILLS kills spread over 5-90% (one per slot, at a random point
# of it); each line: seconds action target.
RANDOM=$SEED
DURATION="$(awk -v n="$N" -v p="$PACE" 'BEGIN { printf "%.3f", n / p }')"
{
  i=0
  for stage in validate code aggregate; do
    awk -v d="$DURATION" -v i="$i" -v s="$stage" 'BEGIN { printf "%.2f up %s-2\n%.2f down %s-2\n", d * (0.15 + 0.05 * i), s, d * (0.60 + 0.05 * i), s }'
    i=$((i + 1))
  done
  awk -v d="$DURATION" 'BEGIN { printf "%.2f pause broker\n", d * 0.40 }'
  for k in $(seq 0 $((KILLS - 1))); do
    r=$RANDOM
    awk -v d="$DURATION" -v k="$k" -v n="$KILLS" -v r="$r" 'BEGIN { w = 0.85 * d / n; printf "%.2f kill any\n", 0.05 * d + k * w + (r / 32767) * w * 0.8 }'
  done
} | sort -n >"$WORK/schedule.txt"

log "run: $N messages at $PACE/s (~${DURATION%.*} s); $KILLS kills, broker paused ${PAUSE} s, each worker group 1 → 2 → 1"
SUBMIT_START="$(elapsed)"
event submit start
# Its records must outlive the broker's pause: FieldTally's producers give up on a record after 30 s
# (message.timeout.ms), which the records in flight while the broker is frozen would reach.
"$BIN/tally" submit --pace "$PACE" --kafka-property message.timeout.ms=600000 "$STREAM" >"$WORK/logs/submit.log" 2>&1 &
SUBMIT_PID=$!
START_NS="$(date +%s.%N)"
KILLED=() PAUSED_FOR="" SCALED=()
RESUME_AT=""
resume_if_due() {
  if [ -n "$RESUME_AT" ] && awk -v a="$RESUME_AT" -v b="$(date +%s.%N)" 'BEGIN { exit !(b >= a) }'; then
    kill -CONT "$BROKER_PID"
    event resume broker
    PAUSED_FOR="$(awk -v a="$PAUSED_AT" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    log "broker resumed (SIGCONT) after $PAUSED_FOR s"
    RESUME_AT=""
  fi
}
while read -r at action target; do
  while :; do
    resume_if_due
    wait_s="$(awk -v a="$at" -v s="$START_NS" -v n="$(date +%s.%N)" 'BEGIN { d = a - (n - s); printf "%.2f", (d > 0 ? d : 0) }')"
    [ "$wait_s" = "0.00" ] && break
    sleep "$(awk -v w="$wait_s" 'BEGIN { printf "%.2f", (w > 1 ? 1 : w) }')"
  done
  # A process that ended on its own is recorded (a failed check) and started again.
  for slot in "${!PID[@]}"; do alive "$slot" || start "$slot"; done
  case "$action" in
    up) start "$target"; SCALED+=("$target up@$(elapsed)s"); log "scaled up: $target" ;;
    down)
      if alive "$target"; then kill_slot "$target" TERM; event stop "$target"; SCALED+=("$target down@$(elapsed)s"); log "scaled down: $target (SIGTERM)"; fi ;;
    pause)
      kill -STOP "$BROKER_PID"; event pause broker
      PAUSED_AT="$(date +%s.%N)"
      RESUME_AT="$(awk -v a="$PAUSED_AT" -v p="$PAUSE" 'BEGIN { printf "%.3f", a + p }')"
      log "broker paused (SIGSTOP) for $PAUSE s" ;;
    kill)
      slots=("${!PID[@]}")
      victim="${slots[$((RANDOM % ${#slots[@]}))]}"
      down_s="$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + 2.5 * r / 32767 }')"
      kill_slot "$victim" KILL
      event kill "$victim"
      KILLED+=("$victim@$(elapsed)s")
      sleep "$down_s"
      resume_if_due
      start "$victim" ;;
  esac
done <"$WORK/schedule.txt"
while [ -n "$RESUME_AT" ]; do resume_if_due; sleep 0.2; done
SUBMIT_STATUS=0
wait "$SUBMIT_PID" || SUBMIT_STATUS=$?
SUBMIT_PID=""
event submit end
SUBMIT_SECONDS="$(awk -v a="$SUBMIT_START" -v b="$(elapsed)" 'BEGIN { printf "%.1f", b - a }')"
log "submitted in $SUBMIT_SECONDS s (status $SUBMIT_STATUS); waiting for the tallies to count all $N"

CAUGHT_UP_AT=""
[ "$SUBMIT_STATUS" = 0 ] || CATCH_UP_TIMEOUT=60
if "$BIN/tally" watch --until-received "$N" --timeout "$CATCH_UP_TIMEOUT" --interval 1 >/dev/null 2>"$WORK/logs/watch.log"; then
  CAUGHT_UP_AT="$(elapsed)"
  event caught-up tallies
fi
CATCH_UP="$( [ -n "$CAUGHT_UP_AT" ] && awk -v a="$SUBMIT_START" -v s="$SUBMIT_SECONDS" -v b="$CAUGHT_UP_AT" 'BEGIN { printf "%.1f", b - a - s }' || echo timeout)"
# The store: wait until its newest document counts every message too.
STORE_OK=0
for _ in $(seq 1 300); do
  if "$BIN/tally" export --store "$WORK/store.sqlite" --format json >"$WORK/store.json" 2>/dev/null &&
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["paradata"]["received"] >= int(sys.argv[2]) else 1)' "$WORK/store.json" "$N"; then
    STORE_OK=1; break
  fi
  sleep 1
done
for slot in "${!PID[@]}"; do alive "$slot" || true; done
sleep 3
"$BIN/tally" tallies --format json >"$WORK/tallies-1.json"
sleep 3
"$BIN/tally" tallies --format json >"$WORK/tallies-2.json"
"$BIN/tally" export --store "$WORK/store.sqlite" --format json >"$WORK/store.json" || true
"$BIN/tally" rejected --format json >"$WORK/dead-letters.jsonl"
END_AT="$(elapsed)"
OFFLINE_STATUS=0
for pid in "${OFFLINE_PIDS[@]}"; do wait "$pid" || OFFLINE_STATUS=$?; done
FUZZ_STATUS=0
wait "$FUZZ_PID" || FUZZ_STATUS=$?
HELPERS=("$WATCH_PID")
[ "$OFFLINE_STATUS" = 0 ] || { log "tally offline failed (status $OFFLINE_STATUS): see $WORK/logs/offline.log"; exit 1; }
stop_all
FINISHED_AT="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"


# ── checks and report ──────────────────────────────────────────────────────────────────────────
python3 "$HERE/chart.py" "$WORK/samples.csv" "$WORK/events.csv" "$CHART"
CHECKS="$WORK/checks.txt"
: >"$CHECKS"
verdict() { # verdict PASS|FAIL text
  echo "- **$1** $2" >>"$CHECKS"
  [ "$1" = PASS ] || FAILED=1
}
FAILED=0
FAULTY="$(python3 -c 'import json,sys; print(sum(json.load(open(sys.argv[1])).values()))' "$WORK/injected.json")"
FAULTY_PCT="$(awk -v f="$FAULTY" -v n="$N" 'BEGIN { printf "%.1f", 100 * f / n }')"
[ "$N" -ge "$MESSAGES" ] && [ "$(awk -v p="$FAULTY_PCT" 'BEGIN { print (p >= 5) }')" = 1 ] && r=PASS || r=FAIL
verdict "$r" "stream: $N messages (≥ $MESSAGES asked), $FAULTY faulty ($FAULTY_PCT%, ≥ 5% asked)"
[ "$SUBMIT_STATUS" = 0 ] && r=PASS || r=FAIL
verdict "$r" "\`tally submit\` acknowledged every message (status $SUBMIT_STATUS, $SUBMIT_SECONDS s)"
[ "${#KILLED[@]}" -ge "$KILLS" ] && [ "${#KILLED[@]}" -ge 20 ] && r=PASS || r=FAIL
verdict "$r" "${#KILLED[@]} SIGKILLs with restarts (≥ 20 asked)"
[ -n "$PAUSED_FOR" ] && [ "$(awk -v p="$PAUSED_FOR" -v w="$PAUSE" 'BEGIN { print (p >= w) }')" = 1 ] && r=PASS || r=FAIL
verdict "$r" "broker frozen with SIGSTOP for ${PAUSED_FOR:-0} s, then SIGCONT"
[ "${#SCALED[@]}" = 6 ] && r=PASS || r=FAIL
verdict "$r" "each worker group grew from 1 to 2 instances and back: ${SCALED[*]}"
[ "$CATCH_UP" != timeout ] && r=PASS || r=FAIL
verdict "$r" "every message received by the tallies ($CATCH_UP s after the last submission)"
for attempt in 1 2; do
  if python3 "$COMPARE" tallies "$WORK/expected.json" "$WORK/tallies-$attempt.json" >"$WORK/diff-tallies-$attempt.txt"; then r=PASS; else r=FAIL; fi
  verdict "$r" "\`tally tallies\` (read $attempt) equals \`tally offline\` exactly ($(wc -l <"$WORK/diff-tallies-$attempt.txt") differing paths)"
done
if [ "$STORE_OK" = 1 ] && python3 "$COMPARE" tallies "$WORK/expected.json" "$WORK/store.json" >"$WORK/diff-store.txt"; then r=PASS; else r=FAIL; fi
verdict "$r" "the store's \`tally export\` equals \`tally offline\` ($(wc -l <"$WORK/diff-store.txt" 2>/dev/null || echo ?) differing paths)"
if python3 "$COMPARE" dead-letters "$WORK/expected-rejected.jsonl" "$WORK/dead-letters.jsonl" >"$WORK/diff-dead-letters.txt"; then r=PASS; else r=FAIL; fi
verdict "$r" "dead letters equal the offline rejections one by one, each source rejected once ($(wc -l <"$WORK/diff-dead-letters.txt") differences)"
BY_REASON="$(python3 - "$WORK/dead-letters.jsonl" "$WORK/injected.json" <<'PY'
import collections, json, sys
actual = collections.Counter(json.loads(l)["reason"] for l in open(sys.argv[1]) if l.strip())
injected = json.load(open(sys.argv[2]))
rows = [f"| {r} | {injected.get(r, 0):,} | {actual.get(r, 0):,} |" for r in sorted(set(actual) | set(injected))]
print("PASS" if dict(actual) == injected else "FAIL")
print("\n".join(rows))
print(f"| **all** | {sum(injected.values()):,} | {sum(actual.values()):,} |")
PY
)"
verdict "$(head -1 <<<"$BY_REASON")" "dead letters by reason equal the injected faults (table below)"
[ "${#DIED[@]}" = 0 ] && r=PASS || r=FAIL
verdict "$r" "no process ended on its own$([ "${#DIED[@]}" = 0 ] || printf ': %s;' "${DIED[@]}")"
FUZZ_LINE="$(head -1 "$WORK/fuzz.txt")"
FUZZ_N="$(sed -n 's/^fuzz: \([0-9,]*\) fuzzed.*/\1/p' "$WORK/fuzz.txt" | tr -d ,)"
[ "$FUZZ_STATUS" = 0 ] && [ "${FUZZ_N:-0}" -ge "$FUZZ" ] && r=PASS || r=FAIL
verdict "$r" "${FUZZ_N:-0} fuzzed inputs through the engine, no crash (status $FUZZ_STATUS)"

STATS="$(python3 - "$WORK/samples.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
peak, last, lag = {}, {}, collections.defaultdict(float)
for r in rows:
    p = r["process"]
    if not r["rss_mb"]:
        stage = "end-to-end"
        lag[(p, round(float(r["seconds"])))] += float(r["lag"] or 0)
        continue
    peak[p] = max(peak.get(p, 0), float(r["rss_mb"]))
    last[p] = float(r["rss_mb"])
    if r["lag"]:
        stage = p.rsplit("-", 1)[0] if p[-1].isdigit() else p
        lag[(stage, round(float(r["seconds"])))] += float(r["lag"])
maxlag = collections.defaultdict(float)
for (stage, _), v in lag.items():
    maxlag[stage] = max(maxlag[stage], v)
print("| process | peak RSS (MB) | last RSS (MB) | peak lag (records, stage) |")
print("|---|---:|---:|---:|")
for p in sorted(peak):
    stage = p.rsplit("-", 1)[0] if p[-1].isdigit() else p
    print(f"| {p} | {peak[p]:.0f} | {last[p]:.0f} | {maxlag[stage]:,.0f} |" if stage in maxlag else f"| {p} | {peak[p]:.0f} | {last[p]:.0f} | – |")
print(f"| end-to-end backlog (acknowledged, not yet in the tallies) | | | {maxlag['end-to-end']:,.0f} |")
print(f"\n{len(rows):,} samples every 2 s. The workers' lag gauges come from Tansu's high watermarks, which are not exact "
      "(Deploy/OPERATIONS.md, Development broker); the end-to-end backlog is counted from `tally submit` and `tally watch`.")
PY
)"

REL_CHART="$(realpath --relative-to="$(dirname "$REPORT")" "$CHART")"
{
  echo "# Reliability report"
  echo
  echo "Generated by \`$COMMAND_LINE\` ($CONFIG build) on $(hostname), $(nproc) cores, started $STARTED_AT, finished $FINISHED_AT."
  echo "Soak: $(awk -v a="$END_AT" 'BEGIN { printf "%.0f", a }') s from start to the final reads. Re-run it with the same command; \`--help\` lists the options."
  echo
  echo "## Verdict"
  echo
  cat "$CHECKS"
  echo
  echo "## The run"
  echo
  echo "- Stream: \`fieldtally-bench generate --copies $COPIES --seed $SEED\`: $N messages, the $SAMPLE_LINES-message sample repeated with fresh respondents; its faulty messages repeat with it ($FAULTY_PCT% of the stream)."
  echo "- Pipeline: Tansu (in memory), \`tally-validate\`, \`tally-code\`, \`tally-aggregate\` (one instance each, a second one for a while), \`tally-store\` on SQLite; $PARTITIONS partitions per topic; \`session.timeout.ms=6000\`."
  echo "- Submission: \`tally submit --pace $PACE\`, $SUBMIT_SECONDS s; every message received by the tallies $CATCH_UP s after the last one was acknowledged."
  echo "- SIGKILLs (process @ seconds since start, each restarted 0.5–3 s later): ${KILLED[*]}"
  echo "- Broker: SIGSTOP for ${PAUSED_FOR:-0} s at 40% of the submission, then SIGCONT."
  echo "- Scaling (SIGTERM to scale down): ${SCALED[*]}"
  echo
  echo "## Dead letters by reason"
  echo
  echo "| reason | injected (sample × $COPIES) | dead letters |"
  echo "|---|---:|---:|"
  tail -n +2 <<<"$BY_REASON"
  echo
  echo "## Lag and memory"
  echo
  echo "![consumer lag and resident memory over time]($REL_CHART)"
  echo
  echo "$STATS"
  echo
  echo "## Fuzz"
  echo
  echo "\`fieldtally-bench fuzz --inputs $FUZZ\`: fuzzed messages mixed into the sample and fed through validate, code and aggregate (\`OfflineTally\`, the engine the workers run), a fresh corpus seed and aggregator per 10,000."
  echo
  echo "$FUZZ_LINE"
  tail -n +2 "$WORK/fuzz.txt"
  if [ "$FAILED" != 0 ]; then
    echo
    echo "## Differences"
    echo
    echo '```'
    for f in "$WORK"/diff-*.txt; do [ -s "$f" ] && { echo "# $(basename "$f")"; head -n 20 "$f"; }; done
    printf '%s\n' "${DIED[@]}"
    echo '```'
  fi
} >"$REPORT"
log "report: $REPORT (chart $CHART)"
cat "$CHECKS" >&2
[ "$FAILED" = 0 ]
