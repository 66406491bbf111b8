#!/usr/bin/env bash
# The FieldTally demo on one machine: an embedded Tansu broker, the three workers, and the
# 2018 LA survey's sample stream submitted at an "in field" pace while `tally watch` shows the
# tallies grow; ends with the final report. Ctrl-C stops everything it started.
#
# Usage: Deploy/demo.sh [--pace MESSAGES_PER_SECOND] [--stream FILE] [--port PORT] [--once]
#   --pace    submissions per second (default 8; 0 = as fast as possible)
#   --once    non-interactive (CI): no live screen, stop everything after the final report
#   --stream  key<TAB>value or JSON-lines file (default Schemas/wwc-csc-2018/sample/stream.tsv)
#   --port    broker port on 127.0.0.1 (default: a free port)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

PACE=8
STREAM="$FIELDTALLY_ROOT/Schemas/wwc-csc-2018/sample/stream.tsv"
PORT=""
ONCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pace) PACE="$2"; shift 2 ;;
    --stream) STREAM="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --once) ONCE=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$STREAM" ] || { echo "demo: no stream file at $STREAM" >&2; exit 2; }

bash Deploy/setup.sh
echo "[demo] building (release)" >&2
for product in tally tally-validate tally-code tally-aggregate; do
  swift build -c release --product "$product" >&2
done
BIN="$(swift build -c release --show-bin-path)"

RUN="$(mktemp -d /tmp/fieldtally-demo.XXXXXX)"
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "[demo] stopped everything it started; logs were in $RUN" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$PORT" ]; then PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"; fi
BROKERS="127.0.0.1:$PORT"
echo "[demo] starting Tansu on $BROKERS" >&2
tansu broker --listener-url "tcp://$BROKERS" --advertised-listener-url "tcp://$BROKERS" >"$RUN/tansu.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

export TALLY_BROKERS="$BROKERS" TALLY_SCHEMAS="$FIELDTALLY_ROOT/Schemas" TALLY_LOG_FORMAT=json TALLY_PARTITIONS=3
export TALLY_KAFKA_PROPERTIES="session.timeout.ms=6000,heartbeat.interval.ms=500"
"$BIN/tally" topics create
port=9470
for w in tally-validate tally-code tally-aggregate; do
  "$BIN/$w" --http-port "$port" --http-host 127.0.0.1 >"$RUN/$w.log" 2>&1 &
  PIDS+=($!)
  echo "[demo] $w started (health and metrics: http://127.0.0.1:$port/healthz, /metrics)" >&2
  port=$((port + 1))
done

echo "[demo] submitting $(wc -l <"$STREAM") messages at $PACE/s" >&2
"$BIN/tally" submit --pace "$PACE" "$STREAM" >&2 &
SUBMIT=$!
PIDS+=($SUBMIT)
"$BIN/tally" watch --until-received "$(grep -c '' "$STREAM")"
wait "$SUBMIT" || true
echo
"$BIN/tally" tallies --format text
