# Shared helpers for the project's scripts. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools and the wasm build are cached outside the clone, keyed by version, so that a fresh clone
# on the same machine rebuilds quickly and a fresh machine still works.
CACHE="${IOC_CACHE_DIR:-$HOME/.cache/ioc}"
SITE="$ROOT/target/site"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The cargo that builds the server: rustup's if present, else Debian's.
native_cargo() {
    if command -v cargo >/dev/null 2>&1; then echo cargo; else echo /usr/bin/cargo; fi
}

# wasm-bindgen version locked in Cargo.lock: the CLI must be exactly the same.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# sqlx version locked in Cargo.lock: sqlx-cli must match it (the offline metadata format and the
# migration table are the library's).
sqlx_version() {
    awk '/^name = "sqlx"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# Where setup.sh installs sqlx-cli (`cargo sqlx` finds `cargo-sqlx` through PATH).
sqlx_cli_root() {
    echo "$CACHE/tools/sqlx-cli-$(sqlx_version)"
}
