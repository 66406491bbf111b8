# Sourced by the Deploy scripts: puts the Swift toolchain and the project's tools on PATH.
FIELDTALLY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FIELDTALLY_ROOT
command -v swift >/dev/null 2>&1 || export PATH="$PATH:/opt/swift/usr/bin"
export PATH="$FIELDTALLY_ROOT/.tools/bin:$PATH"
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
