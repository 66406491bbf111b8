#!/usr/bin/env bash
# Runs the Kafka integration tests under ThreadSanitizer, in .build-tsan.
# librdkafka uses C11 threads, which TSan does not intercept; the preloaded
# shim maps them onto pthreads so TSan sees librdkafka's threads and locks.
# Usage: Tests/TSan/run.sh [extra swift test arguments]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SHIM="$ROOT/.build-tsan/libc11-threads-shim.so"
mkdir -p .build-tsan
cc -shared -fPIC -O1 -o "$SHIM" Tests/TSan/c11-threads-shim.c -lpthread
swift build --build-tests --sanitize=thread --scratch-path .build-tsan
LD_PRELOAD="$SHIM" TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0 second_deadlock_stack=1}" \
  swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter FieldTallyKafkaTests "$@"
