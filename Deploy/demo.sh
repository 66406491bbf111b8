#!/usr/bin/env bash
# The FieldTally demo on one machine: an embedded Tansu broker, the three workers, the live
# dashboard, the tally store (SQLite in the run folder), and the 2018 LA survey's sample stream
# submitted at an "in field" pace while `tally watch` shows the tallies grow; prints the final
# report and keeps the dashboard and the store up until Ctrl-C, which stops everything it started.
#
# Usage: Deploy/demo.sh [--pace MESSAGES_PER_SECOND] [--stream FILE] [--port PORT]
#                       [--dashboard-port PORT] [--once]
#   --pace            submissions per second (default 8; 0 = as fast as possible)
#   --stream          key<TAB>value or JSON-lines file (default Schemas/wwc-csc-2018/sample/stream.tsv)
#   --port            broker port on 127.0.0.1 (default: a free port)
#   --dashboard-port  the dashboard's port on 127.0.0.1 (default 8080, or a free port when taken)
#   --once            for CI: after the final report, check it (the pipeline's tallies, the
#                     dashboard's /api/tallies and the store's `tally export` equal `tally offline`
#                     of the same stream), stop everything and exit 0 (1 when the check fails)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

PACE=8
STREAM="$FIELDTALLY_ROOT/Schemas/wwc-csc-2018/sample/stream.tsv"
PORT=""
DASHBOARD_PORT=""
ONCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pace) PACE="$2"; shift 2 ;;
    --stream) STREAM="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --dashboard-port) DASHBOARD_PORT="$2"; shift 2 ;;
    --once|--exit-after-report) ONCE=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$STREAM" ] || { echo "demo: no stream file at $STREAM" >&2; exit 2; }

bash Deploy/setup.sh
echo "[demo] building (release)" >&2
for product in tally tally-validate tally-code tally-aggregate tally-dashboard tally-store; do
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "$PORT" ]; then PORT="$(free_port)"; fi
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

if [ -z "$DASHBOARD_PORT" ]; then
  DASHBOARD_PORT=8080
  if port_taken "$DASHBOARD_PORT"; then DASHBOARD_PORT="$(free_port)"; fi
fi
DASHBOARD="http://127.0.0.1:$DASHBOARD_PORT"
"$BIN/tally-dashboard" --http-port "$DASHBOARD_PORT" --http-host 127.0.0.1 >"$RUN/tally-dashboard.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do curl -fsS "$DASHBOARD/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "[demo] dashboard: $DASHBOARD/  (open it now and watch the figures arrive)" >&2

STORE="$RUN/tally-store.sqlite"
"$BIN/tally-store" --database "$STORE" --http-port "$port" --http-host 127.0.0.1 >"$RUN/tally-store.log" 2>&1 &
PIDS+=($!)
echo "[demo] tally-store started: $STORE (export: $BIN/tally export --store $STORE --format csv)" >&2

echo "[demo] submitting $(wc -l <"$STREAM") messages at $PACE/s" >&2
"$BIN/tally" submit --pace "$PACE" "$STREAM" >&2 &
SUBMIT=$!
PIDS+=($SUBMIT)
"$BIN/tally" watch --until-received "$(grep -c '' "$STREAM")"
wait "$SUBMIT" || true
echo
"$BIN/tally" tallies --format text

if [ "$ONCE" -eq 1 ]; then
  # The pipeline's merged tallies, the dashboard's document and the store's export must each equal
  # the offline tally of the same stream (Deploy/compare-tallies.py: as_of and partitions differ by
  # nature and are not compared).
  "$BIN/tally" offline --format json "$STREAM" >"$RUN/offline.json"
  "$BIN/tally" tallies --format json >"$RUN/tallies.json"
  # received_all FILE: the document in FILE counts every message of the stream.
  received_all() {
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["paradata"]["received"] >= int(sys.argv[2]) else 1)' \
      "$1" "$(grep -c '' "$STREAM")" 2>/dev/null
  }
  for _ in $(seq 1 50); do
    curl -fsS "$DASHBOARD/api/tallies" >"$RUN/dashboard.json" 2>/dev/null && received_all "$RUN/dashboard.json" && break
    sleep 0.2
  done
  for _ in $(seq 1 100); do
    "$BIN/tally" export --store "$STORE" --format json >"$RUN/store.json" 2>/dev/null && received_all "$RUN/store.json" && break
    sleep 0.2
  done
  ok=1
  for doc in "tally tallies:tallies" "dashboard /api/tallies:dashboard" "store (tally export):store"; do
    if ! python3 Deploy/compare-tallies.py tallies "$RUN/offline.json" "$RUN/${doc##*:}.json" >"$RUN/diff-${doc##*:}.txt"; then
      ok=0
      echo "[demo] check FAILED: ${doc%%:*} differs from tally offline ($RUN/diff-${doc##*:}.txt):" >&2
      head -5 "$RUN/diff-${doc##*:}.txt" >&2
    fi
  done
  [ "$ok" -eq 1 ] || exit 1
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["response_rate"]["overall"]
responded, frame, percent = r["responded"], r["frame"], r["percent"]
print(f"[demo] check passed: pipeline, dashboard and store equal tally offline ({responded} of {frame}, {percent:.1f}%)", file=sys.stderr)' \
    "$RUN/offline.json"
  exit 0
fi

echo "[demo] the dashboard stays up at $DASHBOARD/ and the store keeps $STORE" >&2
echo "[demo]   export it: $BIN/tally export --store $STORE --format csv   (Ctrl-C stops everything)" >&2
sleep infinity &
PIDS+=($!)
wait $!
