#!/usr/bin/env bash
# Installs everything the project needs on Debian (idempotent): PostgreSQL, Chromium, Node,
# the wasm toolchain, wasm-bindgen-cli, sqlx-cli and the npm packages.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_UPDATED=0
apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update"
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# System packages: the database server, the browser for the end-to-end tests, build basics.
apt_install ca-certificates postgresql chromium gcc libc6-dev pkg-config
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm

# Rust for the server: rustup's toolchain when present, Debian's otherwise.
if ! command -v cargo >/dev/null 2>&1; then
    apt_install rustc-web cargo-web
fi

# The gates of the test command (formatting, lints). rustup ships them as components; Debian's
# toolchain as packages.
if command -v rustup >/dev/null 2>&1; then
    for c in rustfmt clippy; do
        rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >/dev/null 2>&1 || \
            die "the $c component is missing and rustup cannot add it"
    done
else
    apt_install rustfmt-web rust-web-clippy
fi

# The wasm target. Where rustup can add it, that is the simple route. Where it cannot (no
# download), Debian's rustc-web builds the wasm32 standard library from rust-web-src (build-std).
# IOC_WASM_ROUTE=debian forces the Debian route (to test it where rustup would work).
mkdir -p "$CACHE"
if [ "${IOC_WASM_ROUTE:-}" != debian ] && command -v rustup >/dev/null 2>&1 && \
   { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || \
     rustup target add wasm32-unknown-unknown >/dev/null 2>&1; }; then
    echo rustup > "$CACHE/wasm-route"
else
    apt_install rustc-web cargo-web rust-web-src
    llvm=$(/usr/bin/rustc --version --verbose | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
    [ -n "$llvm" ] || die "cannot tell the LLVM version of /usr/bin/rustc"
    apt_install "lld-$llvm"
    echo "debian $llvm" > "$CACHE/wasm-route"
fi

# wasm-bindgen-cli, exactly the version in Cargo.lock. Not --locked: its lock file pins a crate
# version the registry mirror may lack.
WBG_VERSION="$(wasm_bindgen_version)"
WBG_ROOT="$CACHE/tools/wasm-bindgen-$WBG_VERSION"
if [ ! -x "$WBG_ROOT/bin/wasm-bindgen" ]; then
    log "installing wasm-bindgen-cli $WBG_VERSION (once, a few minutes)"
    "$(native_cargo)" install wasm-bindgen-cli --version "=$WBG_VERSION" --root "$WBG_ROOT" --quiet
fi

# sqlx-cli, the version of sqlx in Cargo.lock, PostgreSQL only: `scripts/sqlx-prepare.sh` uses it
# to write and check the offline query metadata in `.sqlx/` (the test command's gate).
SQLX_ROOT="$(sqlx_cli_root)"
if [ ! -x "$SQLX_ROOT/bin/cargo-sqlx" ]; then
    log "installing sqlx-cli $(sqlx_version) (once, a few minutes)"
    "$(native_cargo)" install sqlx-cli --version "=$(sqlx_version)" --no-default-features \
        --features postgres --root "$SQLX_ROOT" --quiet
fi

# npm packages: binaryen's wasm-opt and the font for the build, playwright-core for the tests.
for dir in "$ROOT/frontend" "$ROOT/tests/e2e"; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
        log "npm ci in ${dir#$ROOT/}"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done
log "setup done"
