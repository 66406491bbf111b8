#!/usr/bin/env bash
# Runs every FieldTally test on this machine: installs what is missing (Deploy/setup.sh),
# builds everything including the test and probe executables, runs the unit and integration
# tests (integration tests start their own Tansu broker on a free loopback port), the Kafka
# binding's tests again under the thread sanitizer, the formatter's lint, the demo,
# non-interactively at a bounded pace, checking its final report, and, in CI (CI=true) or when
# FIELDTALLY_CONTAINER_TEST=1, the image, manifests and compose set run in containers
# (Deploy/container-test.sh: as root, about 20-35 minutes cold on 2 cores).
#
# The repository must stand alone: when a `shared/` folder sits beside the clone (where the
# project's data first came from), the whole run happens in a private mount namespace in which
# that folder is an empty read-only mount, so nothing here can read it.
#
# Usage: Deploy/test.sh [extra `swift test` arguments, e.g. --filter SurveyEngineTests]
#   With arguments only the selected tests run (no sanitizer pass, lint or demo).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FIELDTALLY_ROOT"

SHARED="$(cd "$FIELDTALLY_ROOT/.." && pwd)/shared"
if [ -z "${FIELDTALLY_STANDALONE:-}" ] && [ -d "$SHARED" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
  echo "[test] hiding $SHARED for this run (the repository must need nothing outside it)" >&2
  export FIELDTALLY_STANDALONE=1
  exec unshare --mount --propagation private bash -c \
    'mount -t tmpfs -o ro,size=64k fieldtally-hidden "$1" && shift && exec bash "$@"' _ "$SHARED" "$0" "$@"
fi

bash Deploy/setup.sh
echo "[test] building (debug, with tests)" >&2
swift build --build-tests
echo "[test] running tests" >&2
swift test --skip-build "$@"
if [ "$#" -eq 0 ]; then
  echo "[test] Kafka binding tests under the thread sanitizer" >&2
  bash Tests/TSan/run.sh
  echo "[test] the manifests' survey ConfigMap matches Schemas/ (Deploy/k8s/schemas-configmap.sh --check)" >&2
  bash Deploy/k8s/schemas-configmap.sh --check
  echo "[test] swift format lint (configuration: .swift-format)" >&2
  swift format lint --strict --recursive --parallel Package.swift Sources Tests
  echo "[test] the demo, non-interactively (Deploy/demo.sh --pace 40 --once)" >&2
  bash Deploy/demo-check.sh
  if [ "${CI:-}" = true ] || [ "${FIELDTALLY_CONTAINER_TEST:-}" = 1 ]; then
    echo "[test] the image, the manifests and compose.yaml in containers (Deploy/container-test.sh)" >&2
    bash Deploy/container-test.sh
  fi
fi
