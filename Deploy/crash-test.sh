#!/usr/bin/env bash
# Crash-recovery acceptance (ARCHITECTURE.md: "kill -9 of any worker at any moment, then restart: final
# tallies equal the tallies computed offline from the same input"). Per run: a fresh Tansu broker,
# the three workers (one instance each), a synthetic stream (the sample repeated --copies times
# with fresh respondents, padded to ~2 KB) submitted at a steady pace while workers are SIGKILLed
# at random moments and restarted; then it waits until every message is received and compares:
#   - the merged tallies (`tally tallies --format json`) with `tally offline --format json` on the
#     same stream and schemas: every key, exact (zero tolerance), except as_of and partitions;
#   - the de-duplicated dead letters (`tally rejected --format json`) with the offline rejections
#     (reason, key, respondent, instance, problem codes), as multisets, one per source position.
# Prints per run: messages, kills (which worker, when), catch-up time, PASS/FAIL with the differing
# paths; exits non-zero when any run fails. Everything it starts is stopped at the end, on failure
# and on Ctrl-C, and checked with pgrep.
#
# Usage: Deploy/crash-test.sh [--runs 10] [--copies 230] [--pace 200] [--kills 6] [--partitions 3]
#                             [--pad-to 2048] [--seed 2018] [--debug] [--skip-build] [--keep]
#   --runs        runs in a row (default 10)
#   --copies      copies of the 88-message sample (default 230: 20,240 messages)
#   --pace        submissions per second (default 200)
#   --kills       SIGKILLs per run, at least 3 (default 6; every worker is killed at least once)
#   --partitions  partitions of every topic (default 3)
#   --pad-to      mean message size in bytes (default 2048; 0 = no padding)
#   --seed        seed of run 1 (run i uses seed+i-1 for its stream and kill schedule)
#   --debug       use the debug build instead of release
#   --skip-build  use the binaries already built
#   --keep        keep the work folder (logs, streams, outputs) even when every run passes
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

RUNS=10 COPIES=230 PACE=200 KILLS=6 PARTITIONS=3 PAD_TO=2048 SEED=2018 CONFIG=release KEEP=0 SKIP_BUILD=0
CATCH_UP_TIMEOUT=600
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --copies) COPIES="$2"; shift 2 ;;
    --pace) PACE="$2"; shift 2 ;;
    --kills) KILLS="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --pad-to) PAD_TO="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --debug) CONFIG=debug; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "crash-test: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$KILLS" -ge 3 ] || { echo "crash-test: --kills must be at least 3 (each worker once)" >&2; exit 2; }

log() { printf '[crash-test] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

command -v tansu >/dev/null || { echo "crash-test: tansu not found: run Deploy/setup.sh" >&2; exit 2; }
BIN="$FIELDTALLY_ROOT/.build/$CONFIG"
if [ "$SKIP_BUILD" = 0 ]; then
  log "building ($CONFIG)"
  for product in tally tally-validate tally-code tally-aggregate fieldtally-bench; do swift build -c "$CONFIG" --product "$product" >&2; done
  BIN="$(swift build -c "$CONFIG" --show-bin-path)"
fi
for product in tally tally-validate tally-code tally-aggregate fieldtally-bench; do
  [ -x "$BIN/$product" ] || { echo "crash-test: $BIN/$product is missing: build first (without --skip-build)" >&2; exit 2; }
done
WORKERS=(tally-validate tally-code tally-aggregate)

WORK="$(mktemp -d /tmp/fieldtally-crash.XXXXXX)"
BROKER_PID=""
SUBMIT_PID=""
declare -A WORKER_PID=()

# Stops every process this script started (workers: TERM, then KILL after 5 s; Tansu ignores
# TERM, so KILL), by the ids it recorded.
stop_all() {
  local pids=() pid
  for w in "${!WORKER_PID[@]}"; do pids+=("${WORKER_PID[$w]}"); done
  [ -n "$SUBMIT_PID" ] && pids+=("$SUBMIT_PID")
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$BROKER_PID" ]; then kill -KILL "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  WORKER_PID=(); SUBMIT_PID=""; BROKER_PID=""
}

# Fails when a process of this build (workers, tally) or a broker on this run's port is left.
check_no_orphans() {
  local port="$1" left
  left="$(pgrep -af "^$BIN/(tally|tally-validate|tally-code|tally-aggregate)( |$)" || true)"
  [ -n "$port" ] && left+="$(pgrep -af "tansu broker --listener-url tcp://127.0.0.1:$port " || true)"
  if [ -n "$left" ]; then log "ORPHANS left running:"; echo "$left" >&2; return 1; fi
}

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  check_no_orphans "${PORT:-}" || status=1
  if [ "$KEEP" = 1 ] || [ "$status" != 0 ]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

start_worker() { # start_worker NAME RUN_DIR
  local w="$1" dir="$2"
  echo "--- started $(date -u +%FT%T.%3NZ)" >>"$dir/$w.log"
  "$BIN/$w" --http-port 0 --http-host 127.0.0.1 >>"$dir/$w.log" 2>&1 &
  WORKER_PID[$w]=$!
}

COMPARE="$FIELDTALLY_ROOT/Deploy/compare-tallies.py"

declare -a SUMMARY=()
FAILED=0
for run in $(seq 1 "$RUNS"); do
  RUN_SEED=$((SEED + run - 1))
  RANDOM=$RUN_SEED
  DIR="$WORK/run-$run"
  mkdir -p "$DIR"
  log "run $run/$RUNS: generating $COPIES copies (seed $RUN_SEED)"
  pad=(); [ "$PAD_TO" -gt 0 ] && pad=(--pad-to "$PAD_TO")
  "$BIN/fieldtally-bench" generate --copies "$COPIES" "${pad[@]}" --seed "$RUN_SEED" --out "$DIR/data" >"$DIR/generate.log"
  STREAM="$DIR/data/stream.tsv"
  SCHEMAS="$DIR/data/schemas"
  N="$(grep -c '' "$STREAM")"
  "$BIN/tally" offline "$STREAM" --schemas "$SCHEMAS" --format json --quiet >"$DIR/expected.json"
  "$BIN/tally" offline "$STREAM" --schemas "$SCHEMAS" --rejected --quiet >"$DIR/expected-rejected.jsonl"

  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  BROKERS="127.0.0.1:$PORT"
  tansu broker --listener-url "tcp://$BROKERS" --advertised-listener-url "tcp://$BROKERS" >"$DIR/tansu.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  export TALLY_BROKERS="$BROKERS" TALLY_SCHEMAS="$SCHEMAS" TALLY_LOG_FORMAT=json TALLY_PARTITIONS="$PARTITIONS"
  export TALLY_KAFKA_PROPERTIES="session.timeout.ms=6000,heartbeat.interval.ms=500"
  "$BIN/tally" topics create >"$DIR/topics.log" 2>&1
  for w in "${WORKERS[@]}"; do start_worker "$w" "$DIR"; done

  # Kill schedule: KILLS moments spread over the submission (one per slot, at a random point of
  # it); the first three kill each worker once in a random order, the others a random worker.
  DURATION="$(awk -v n="$N" -v p="$PACE" 'BEGIN { printf "%.3f", n / p }')"
  order=("${WORKERS[@]}")
  for i in 2 1; do j=$((RANDOM % (i + 1))); t="${order[$i]}"; order[$i]="${order[$j]}"; order[$j]="$t"; done
  declare -a AT=() WHO=() DOWN=()
  # ($RANDOM is read here, not inside $(…): a subshell reseeds it, and the schedule must follow the seed.)
  for k in $(seq 0 $((KILLS - 1))); do
    r1=$RANDOM r2=$RANDOM r3=$RANDOM
    AT+=("$(awk -v d="$DURATION" -v k="$k" -v n="$KILLS" -v r="$r1" 'BEGIN { w = 0.85 * d / n; printf "%.2f", 0.05 * d + k * w + (r / 32767) * w * 0.8 }')")
    if [ "$k" -lt 3 ]; then WHO+=("${order[$k]}"); else WHO+=("${WORKERS[$((r2 % 3))]}"); fi
    DOWN+=("$(awk -v r="$r3" 'BEGIN { printf "%.2f", 0.2 + 2.8 * r / 32767 }')")
  done

  log "run $run: $N messages at $PACE/s (~${DURATION%.*} s), kills at ${AT[*]} s"
  START="$(now)"
  "$BIN/tally" submit --pace "$PACE" --quiet "$STREAM" >"$DIR/submit.log" 2>&1 &
  SUBMIT_PID=$!
  KILLED=()
  DIED=()
  for k in "${!AT[@]}"; do
    w="${WHO[$k]}"
    wait_s="$(awk -v a="${AT[$k]}" -v s="$(since "$START")" 'BEGIN { d = a - s; printf "%.2f", (d > 0 ? d : 0) }')"
    sleep "$wait_s"
    if ! kill -0 "${WORKER_PID[$w]}" 2>/dev/null; then
      DIED+=("$w exited on its own before kill $((k + 1)) (see $DIR/$w.log)")
    fi
    kill -KILL "${WORKER_PID[$w]}" 2>/dev/null || true
    wait "${WORKER_PID[$w]}" 2>/dev/null || true
    KILLED+=("${w#tally-}@$(since "$START")s")
    echo "--- SIGKILL at $(since "$START") s" >>"$DIR/$w.log"
    sleep "${DOWN[$k]}"
    start_worker "$w" "$DIR"
  done
  SUBMIT_STATUS=0
  wait "$SUBMIT_PID" || SUBMIT_STATUS=$?
  SUBMIT_PID=""
  SUBMITTED="$(now)"
  SUBMIT_SECONDS="$(since "$START")"

  RESULT=PASS
  REASONS=()
  [ "$SUBMIT_STATUS" = 0 ] || { RESULT=FAIL; REASONS+=("tally submit failed (status $SUBMIT_STATUS, see $DIR/submit.log)"); }
  if "$BIN/tally" watch --until-received "$N" --timeout "$CATCH_UP_TIMEOUT" --interval 0.5 >/dev/null 2>"$DIR/watch.log"; then
    CATCH_UP="$(since "$SUBMITTED")"
  else
    CATCH_UP="timeout"
    RESULT=FAIL; REASONS+=("not every message was received within $CATCH_UP_TIMEOUT s: $(tail -1 "$DIR/watch.log")")
  fi
  for w in "${WORKERS[@]}"; do
    kill -0 "${WORKER_PID[$w]}" 2>/dev/null || DIED+=("$w exited on its own (see $DIR/$w.log)")
  done
  if [ "${#DIED[@]}" -gt 0 ]; then RESULT=FAIL; REASONS+=("${DIED[@]}"); fi
  # Settle, then read twice: the tallies must equal offline and stay equal (nothing counted late).
  sleep 2
  for attempt in 1 2; do
    "$BIN/tally" tallies --format json >"$DIR/actual-$attempt.json" 2>>"$DIR/tallies.log"
    if ! python3 "$COMPARE" tallies "$DIR/expected.json" "$DIR/actual-$attempt.json" >"$DIR/diff-$attempt.txt"; then
      RESULT=FAIL; REASONS+=("tallies (read $attempt) differ: $(wc -l <"$DIR/diff-$attempt.txt") paths")
    fi
    [ "$attempt" = 1 ] && sleep 3
  done
  "$BIN/tally" rejected --format json >"$DIR/dead-letters.jsonl" 2>>"$DIR/tallies.log"
  if ! python3 "$COMPARE" dead-letters "$DIR/expected-rejected.jsonl" "$DIR/dead-letters.jsonl" >"$DIR/diff-dead-letters.txt"; then
    RESULT=FAIL; REASONS+=("dead letters differ")
  fi

  stop_all
  check_no_orphans "$PORT" || { RESULT=FAIL; REASONS+=("processes left running"); }
  LINE="$(printf 'run %2d  %6d msgs  submit %5.1f s  catch-up %6s s  %s  kills: %s' "$run" "$N" "$SUBMIT_SECONDS" "$CATCH_UP" "$RESULT" "${KILLED[*]}")"
  SUMMARY+=("$LINE")
  echo "$LINE"
  if [ "$RESULT" = FAIL ]; then
    FAILED=$((FAILED + 1))
    for reason in "${REASONS[@]}"; do echo "        $reason"; done
    for f in "$DIR/diff-1.txt" "$DIR/diff-2.txt" "$DIR/diff-dead-letters.txt"; do
      [ -s "$f" ] && sed -n '1,25s/^/        /p' "$f"
    done
    echo "        logs: $DIR"
  fi
  unset AT WHO DOWN
done

echo
echo "crash test: $RUNS runs, $FAILED failed ($COPIES copies, pace $PACE/s, $KILLS kills per run, $PARTITIONS partitions)"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
[ "$FAILED" = 0 ]
