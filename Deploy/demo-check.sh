#!/usr/bin/env bash
# CI's check of the README's first command: runs the demo non-interactively (`--once`) at a
# bounded pace with nothing on standard input, then checks that it exited 0, that its final
# report shows the sample's headline figures, that the pipeline, the dashboard and the store all
# equal `tally offline`, and that it left no process behind.
# Usage: Deploy/demo-check.sh [--pace N]   (default 40 messages per second)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

PACE=40
[ "${1:-}" = "--pace" ] && PACE="$2"
OUT="$(mktemp /tmp/fieldtally-demo-check.XXXXXX)"
started=$(date +%s)
if ! timeout 3600 bash Deploy/demo.sh --pace "$PACE" --once </dev/null >"$OUT" 2>&1; then
  tail -n 60 "$OUT" >&2
  echo "[demo-check] FAIL: the demo did not finish with status 0 (output: $OUT)" >&2
  exit 1
fi
fail=0
expect() {
  if grep -Fq -- "$1" "$OUT"; then echo "[demo-check] report shows: $1" >&2
  else echo "[demo-check] FAIL: the final report lacks: $1" >&2; fail=1; fi
}
expect "Counted respondents: 60 of 152 (39.5%"
expect "[demo] tally-store started: "
expect "[demo] check passed: pipeline, dashboard and store equal tally offline (60 of 152, 39.5%)"
report="$(sed -n '/Counted respondents: 60 of 152/,$p' "$OUT")"
for line in "whole_system  *49  *81.7%" "signs_of_safety  *21  *35.0%"; do
  if grep -Eq -- "$line" <<<"$report"; then echo "[demo-check] report shows: $line" >&2
  else echo "[demo-check] FAIL: the final report lacks a line matching: $line" >&2; fail=1; fi
done
# The demo's executables of this checkout (the real bin path: .build/release is a symlink to it).
BIN="$(swift build -c release --show-bin-path)"
left="$(pgrep -f "fieldtally-demo\.|${BIN//./\\.}/tally-(validate|code|aggregate|dashboard|store)" || true)"
if [ -n "$left" ]; then echo "[demo-check] FAIL: the demo left processes running: $left" >&2; fail=1; fi
if [ "$fail" -ne 0 ]; then tail -n 80 "$OUT" >&2; exit 1; fi
echo "[demo-check] demo passed in $(( $(date +%s) - started )) s; its output: $OUT" >&2
