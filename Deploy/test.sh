#!/usr/bin/env bash
# Runs every FieldTally test on this machine: installs what is missing (Deploy/setup.sh),
# builds everything including the test and probe executables, runs the unit and integration
# tests (integration tests start their own Tansu broker on a free loopback port), then the
# Kafka binding's tests again under the thread sanitizer.
# Usage: Deploy/test.sh [extra `swift test` arguments, e.g. --filter SurveyEngineTests]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

bash Deploy/setup.sh
echo "[test] building (debug, with tests)" >&2
swift build --build-tests
echo "[test] running tests" >&2
swift test --skip-build "$@"
if [ "$#" -eq 0 ]; then
  echo "[test] Kafka binding tests under the thread sanitizer" >&2
  bash Tests/TSan/run.sh
fi
